using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cluster.Internal;

/// <summary>The one owner of a job's broker subscriptions in the cluster (grain key: the job's name).</summary>
[Alias("ngsiflow.subscriptions")]
internal interface ISubscriptionGrain : IGrainWithStringKey
{
    /// <summary>Makes sure each of the job's subscriptions exists on the broker, notifying <paramref name="notifyBase"/>
    /// (<c>{public URL}/notify/{job}</c>); reuses an identical one, renews its expiry; returns the subscription ids.</summary>
    [Alias("ensure")]
    Task<string[]> EnsureAsync(string notifyBase, Dictionary<string, string> headers);
}

/// <summary>
/// Orleans keeps one activation of it in the cluster, so the nodes that all ask at start never race each other into
/// making one subscription each. A subscription is found again by its description, which fingerprints everything
/// that changes what the broker sends, so the check is idempotent across node and cluster restarts.
/// </summary>
internal sealed class SubscriptionGrain(ClusterRuntime runtime) : Grain, ISubscriptionGrain
{
    public async Task<string[]> EnsureAsync(string notifyBase, Dictionary<string, string> headers)
    {
        var job = runtime.Jobs.Get(this.GetPrimaryKeyString());
        var broker = runtime.Broker;
        var ids = new List<string>();
        foreach (var request in job.Subscriptions)
        {
            request.Validate(broker.Api);
            var url = new Uri(notifyBase.TrimEnd('/') + "/" + Uri.EscapeDataString(request.Name));
            var description = SubscriptionBuilder.Describe(job.Name, request, broker.Api, url, headers);
            var fiware = request.Fiware ?? broker.DefaultFiware;
            var expires = request.Lifetime is { } life ? DateTimeOffset.UtcNow + life : (DateTimeOffset?)null;
            string? id = null;
            if (broker.V2Client is { } v2)
            {
                await foreach (var existing in v2.ListSubscriptionsAsync(fiware, CancellationToken.None).ConfigureAwait(true))
                {
                    if (existing.Description == description && existing.Id is not null)
                    {
                        id = existing.Id;
                        if (expires is not null || existing.Status != NgsiV2SubscriptionStatus.Active)
                        {
                            await v2.UpdateSubscriptionAsync(id, new NgsiV2Subscription { Expires = expires, Status = NgsiV2SubscriptionStatus.Active }, fiware, CancellationToken.None).ConfigureAwait(true);
                        }

                        break;
                    }
                }

                var created = id is null;
                id ??= await v2.CreateSubscriptionAsync(SubscriptionBuilder.V2(request, description, url, headers, expires), fiware, CancellationToken.None).ConfigureAwait(true);
                ClusterLog.SubscriptionEnsured(runtime.Logger, job.Name, request.Name, broker.Name, id, created ? "created" : "reused");
            }
            else
            {
                var ld = broker.LdClient!;
                await foreach (var existing in ld.ListSubscriptionsAsync(fiware, CancellationToken.None).ConfigureAwait(true))
                {
                    if (existing.Description == description && existing.Id is not null)
                    {
                        id = existing.Id;
                        await ld.UpdateSubscriptionAsync(id, new NgsiLdSubscription { ExpiresAt = expires, IsActive = true }, fiware, CancellationToken.None).ConfigureAwait(true);
                        break;
                    }
                }

                var created = id is null;
                id ??= await ld.CreateSubscriptionAsync(SubscriptionBuilder.Ld(request, description, url, headers, expires), fiware, CancellationToken.None).ConfigureAwait(true);
                ClusterLog.SubscriptionEnsured(runtime.Logger, job.Name, request.Name, broker.Name, id, created ? "created" : "reused");
            }

            ids.Add(id);
        }

        return [.. ids];
    }
}
