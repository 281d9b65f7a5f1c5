using System.Runtime.CompilerServices;
using NgsiFlow.Client.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>Batch operations: <c>/v2/op/update</c> and <c>/v2/op/query</c>.</summary>
public sealed partial class NgsiV2Client
{
    /// <summary>
    /// <c>POST /v2/op/update</c>: applies one action to many entities in one request. <c>append</c>, <c>update</c>,
    /// <c>replace</c> and <c>delete</c> are retried after transient failures; <c>appendStrict</c> only when
    /// <see cref="NgsiRetryOptions.RetryNonIdempotent"/> allows it.
    /// </summary>
    /// <param name="action">The action.</param>
    /// <param name="entities">The entities (at least one).</param>
    /// <param name="representation">Write normalized or keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task BatchUpdateAsync(NgsiV2BatchAction action, IEnumerable<NgsiV2Entity> entities, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entities);
        if (!Enum.IsDefined(action))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "Not a batch action.");
        }

        var list = entities as IReadOnlyCollection<NgsiV2Entity> ?? entities.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("A batch update needs at least one entity.", nameof(entities));
        }

        var path = new QueryBuilder("v2/op/update").Add("options", KeyValues(representation));
        var body = NgsiV2Writer.BatchUpdateToBytes(action, list, representation);
        await _transport.SendAsync(Call(HttpMethod.Post, path, fiware, body, safeToRetry: action != NgsiV2BatchAction.AppendStrict), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /v2/op/query</c>, page after page.</summary>
    /// <param name="query">The entities, attributes, filters and paging.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<NgsiV2Entity> BatchQueryAsync(NgsiV2BatchQuery query, FiwareContext? fiware = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Check();
        var body = JsonWrite.ToBytes(query, static (w, q) =>
        {
            w.WriteStartObject();
            if (q.Entities.Count > 0)
            {
                w.WriteStartArray("entities");
                foreach (var e in q.Entities)
                {
                    V2SubscriptionJson.WriteSelector(w, e);
                }

                w.WriteEndArray();
            }

            JsonWrite.Strings(w, "attrs", q.Attrs);
            JsonWrite.Strings(w, "metadata", q.Metadata);
            if (q.Q is not null || q.Mq is not null)
            {
                w.WriteStartObject("expression");
                JsonWrite.OptionalString(w, "q", q.Q);
                JsonWrite.OptionalString(w, "mq", q.Mq);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
        var entities = Paging.ReadAllAsync(query.Offset, query.MaxResults, query.PageSize, FetchPage, cancellationToken);
        await foreach (var entity in entities.ConfigureAwait(false))
        {
            yield return entity;
        }

        async Task<IReadOnlyList<NgsiV2Entity>> FetchPage(int limit, int offset, CancellationToken ct)
        {
            var path = new QueryBuilder("v2/op/query").Add("limit", limit).Add("offset", offset).Add("options", KeyValues(query.Representation));
            var answer = await _transport.SendAsync(Call(HttpMethod.Post, path, fiware, body, safeToRetry: true), ct).ConfigureAwait(false);
            return NgsiV2Parser.ParseEntities(answer.Body, query.Representation);
        }
    }
}
