using NgsiFlow.Client;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Internal;

/// <summary>
/// Finds a subscription on the broker by its description (a fingerprint of everything that changes what the broker
/// sends) and renews it, or creates it: the one way NgsiFlow makes a subscription, for a connector's managed
/// subscriptions and for a cluster's singleton alike.
/// </summary>
internal static class SubscriptionEnsurer
{
    public static async Task<(string Id, bool Reused)> EnsureAsync(
        BrokerConnection broker,
        SubscriptionRequest request,
        string description,
        Uri url,
        IReadOnlyDictionary<string, string> headers,
        DateTimeOffset? expires,
        FiwareContext fiware,
        CancellationToken cancellationToken,
        NgsiV2MqttNotification? mqtt = null)
    {
        if (broker.V2Client is { } v2)
        {
            await foreach (var existing in v2.ListSubscriptionsAsync(fiware, cancellationToken).ConfigureAwait(false))
            {
                if (existing.Description == description && existing.Id is not null)
                {
                    await v2.UpdateSubscriptionAsync(existing.Id, new NgsiV2Subscription { Expires = expires, Status = NgsiV2SubscriptionStatus.Active }, fiware, cancellationToken).ConfigureAwait(false);
                    return (existing.Id, true);
                }
            }

            return (await v2.CreateSubscriptionAsync(SubscriptionBuilder.V2(request, description, url, headers, expires, mqtt), fiware, cancellationToken).ConfigureAwait(false), false);
        }

        var ld = broker.LdClient!;
        await foreach (var existing in ld.ListSubscriptionsAsync(fiware, cancellationToken).ConfigureAwait(false))
        {
            if (existing.Description == description && existing.Id is not null)
            {
                await ld.UpdateSubscriptionAsync(existing.Id, new NgsiLdSubscription { ExpiresAt = expires, IsActive = true }, fiware, cancellationToken).ConfigureAwait(false);
                return (existing.Id, true);
            }
        }

        return (await ld.CreateSubscriptionAsync(SubscriptionBuilder.Ld(request, description, url, headers, expires), fiware, cancellationToken).ConfigureAwait(false), false);
    }
}
