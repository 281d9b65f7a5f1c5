using System.Runtime.CompilerServices;
using NgsiFlow.Client.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>Subscriptions: <c>/ngsi-ld/v1/subscriptions</c>.</summary>
public sealed partial class NgsiLdClient
{
    /// <summary><c>POST /ngsi-ld/v1/subscriptions</c>. Not retried unless allowed (a repeat could create a second subscription).</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription id, from the <c>Location</c> header.</returns>
    public async Task<string> CreateSubscriptionAsync(NgsiLdSubscription subscription, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var call = new NgsiTransport.Call(HttpMethod.Post, "ngsi-ld/v1/subscriptions")
        {
            Content = LdSubscriptionJson.ToBytes(subscription, create: true),
            ContentType = subscription.Context is null ? NgsiTransport.Json : NgsiTransport.LdJson,
            Fiware = fiware,
            Ld = true,
        };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return NgsiV2Client.IdFromLocation(answer);
    }

    /// <summary><c>GET /ngsi-ld/v1/subscriptions/{id}</c>; <see cref="NgsiClientException"/> with 404 when absent.</summary>
    /// <param name="id">The subscription id.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiLdSubscription> GetSubscriptionAsync(string id, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        (await GetSubscriptionCoreAsync(id, fiware, notFoundIsNull: false, cancellationToken).ConfigureAwait(false))!;

    /// <summary><c>GET /ngsi-ld/v1/subscriptions/{id}</c>, or null when the broker answers 404.</summary>
    /// <param name="id">The subscription id.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<NgsiLdSubscription?> TryGetSubscriptionAsync(string id, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        GetSubscriptionCoreAsync(id, fiware, notFoundIsNull: true, cancellationToken);

    /// <summary><c>GET /ngsi-ld/v1/subscriptions</c>, page after page.</summary>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<NgsiLdSubscription> ListSubscriptionsAsync(FiwareContext? fiware = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const int PageSize = 100;
        var offset = 0;
        while (true)
        {
            var path = new QueryBuilder("ngsi-ld/v1/subscriptions").Add("limit", PageSize).Add("offset", offset);
            var answer = await _transport.SendAsync(new NgsiTransport.Call(HttpMethod.Get, path.ToString()) { Fiware = fiware, Ld = true }, cancellationToken).ConfigureAwait(false);
            var page = LdSubscriptionJson.ParseList(answer.Body);
            foreach (var subscription in page)
            {
                yield return subscription;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            offset += page.Count;
        }
    }

    /// <summary><c>PATCH /ngsi-ld/v1/subscriptions/{id}</c>: changes the members that are not null (e.g. <c>expiresAt</c> to renew).</summary>
    /// <param name="id">The subscription id.</param>
    /// <param name="changes">The members to change.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task UpdateSubscriptionAsync(string id, NgsiLdSubscription changes, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var call = new NgsiTransport.Call(HttpMethod.Patch, SubscriptionPath(id))
        {
            Content = LdSubscriptionJson.ToBytes(changes, create: false),
            ContentType = changes.Context is null ? NgsiTransport.Json : NgsiTransport.LdJson,
            Fiware = fiware,
            Ld = true,
        };
        await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /ngsi-ld/v1/subscriptions/{id}</c>.</summary>
    /// <param name="id">The subscription id.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task DeleteSubscriptionAsync(string id, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(new NgsiTransport.Call(HttpMethod.Delete, SubscriptionPath(id)) { Fiware = fiware, Ld = true }, cancellationToken).ConfigureAwait(false);

    private async Task<NgsiLdSubscription?> GetSubscriptionCoreAsync(string id, FiwareContext? fiware, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        var call = new NgsiTransport.Call(HttpMethod.Get, SubscriptionPath(id)) { Fiware = fiware, Ld = true, NotFoundIsNull = notFoundIsNull };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return answer.IsNotFound ? null : LdSubscriptionJson.ParseOne(answer.Body);
    }

    private static string SubscriptionPath(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return "ngsi-ld/v1/subscriptions/" + QueryBuilder.Segment(id);
    }
}
