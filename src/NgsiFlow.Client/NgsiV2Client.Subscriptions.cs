using System.Runtime.CompilerServices;
using NgsiFlow.Client.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>Subscriptions: <c>/v2/subscriptions</c>.</summary>
public sealed partial class NgsiV2Client
{
    /// <summary>
    /// <c>POST /v2/subscriptions</c>. Not retried after a transient failure unless
    /// <see cref="NgsiRetryOptions.RetryNonIdempotent"/> allows it: a repeat could create a second subscription.
    /// </summary>
    /// <param name="subscription">The subscription; <see cref="NgsiV2Subscription.Subject"/> and <see cref="NgsiV2Subscription.Notification"/> are required.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new subscription's id, from the <c>Location</c> header.</returns>
    public async Task<string> CreateSubscriptionAsync(NgsiV2Subscription subscription, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var body = V2SubscriptionJson.ToBytes(subscription, create: true);
        var answer = await _transport.SendAsync(Call(HttpMethod.Post, new QueryBuilder("v2/subscriptions"), fiware, body), cancellationToken).ConfigureAwait(false);
        return IdFromLocation(answer);
    }

    /// <summary><c>GET /v2/subscriptions/{id}</c>; <see cref="NgsiClientException"/> with 404 when absent.</summary>
    /// <param name="id">The subscription id.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiV2Subscription> GetSubscriptionAsync(string id, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        (await GetSubscriptionCoreAsync(id, fiware, notFoundIsNull: false, cancellationToken).ConfigureAwait(false))!;

    /// <summary><c>GET /v2/subscriptions/{id}</c>, or null when the broker answers 404.</summary>
    /// <param name="id">The subscription id.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<NgsiV2Subscription?> TryGetSubscriptionAsync(string id, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        GetSubscriptionCoreAsync(id, fiware, notFoundIsNull: true, cancellationToken);

    /// <summary><c>GET /v2/subscriptions</c>, page after page.</summary>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<NgsiV2Subscription> ListSubscriptionsAsync(FiwareContext? fiware = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const int PageSize = 100;
        var offset = 0;
        while (true)
        {
            var path = new QueryBuilder("v2/subscriptions").Add("limit", PageSize).Add("offset", offset);
            var answer = await _transport.SendAsync(Call(HttpMethod.Get, path, fiware), cancellationToken).ConfigureAwait(false);
            var page = V2SubscriptionJson.ParseList(answer.Body);
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

    /// <summary><c>PATCH /v2/subscriptions/{id}</c>: changes the members that are not null (e.g. <c>expires</c> to renew, <c>status</c>).</summary>
    /// <param name="id">The subscription id.</param>
    /// <param name="changes">The members to change.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task UpdateSubscriptionAsync(string id, NgsiV2Subscription changes, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var body = V2SubscriptionJson.ToBytes(changes, create: false);
        await _transport.SendAsync(Call(HttpMethod.Patch, new QueryBuilder(SubscriptionPath(id)), fiware, body), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /v2/subscriptions/{id}</c>.</summary>
    /// <param name="id">The subscription id.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task DeleteSubscriptionAsync(string id, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(Call(HttpMethod.Delete, new QueryBuilder(SubscriptionPath(id)), fiware), cancellationToken).ConfigureAwait(false);

    private async Task<NgsiV2Subscription?> GetSubscriptionCoreAsync(string id, FiwareContext? fiware, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        var call = new NgsiTransport.Call(HttpMethod.Get, SubscriptionPath(id)) { Fiware = fiware, NotFoundIsNull = notFoundIsNull };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return answer.IsNotFound ? null : V2SubscriptionJson.ParseOne(answer.Body);
    }

    private static string SubscriptionPath(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return "v2/subscriptions/" + QueryBuilder.Segment(id);
    }

    internal static string IdFromLocation(NgsiTransport.Answer answer)
    {
        var location = answer.Location;
        if (string.IsNullOrEmpty(location))
        {
            throw new NgsiClientException("POST", answer.RequestUri, answer.Status, "MissingLocation", "the broker created the resource but sent no Location header");
        }

        var path = location.Split('?', 2)[0].TrimEnd('/');
        return Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
    }
}
