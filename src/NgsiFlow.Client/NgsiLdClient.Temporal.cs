using System.Runtime.CompilerServices;
using NgsiFlow.Client.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>The temporal API: <c>/ngsi-ld/v1/temporal/entities</c>.</summary>
public sealed partial class NgsiLdClient
{
    /// <summary><c>GET /ngsi-ld/v1/temporal/entities</c>: entities with the history of their attributes, page after page.</summary>
    /// <param name="query">Entities, attributes, time window and paging.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<NgsiLdTemporalEntity> QueryTemporalAsync(NgsiLdTemporalQuery query, FiwareContext? fiware = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Check(single: false);
        var entities = Paging.ReadAllAsync(query.Offset, query.MaxResults, query.PageSize, FetchPage, cancellationToken);
        await foreach (var entity in entities.ConfigureAwait(false))
        {
            yield return entity;
        }

        async Task<IReadOnlyList<NgsiLdTemporalEntity>> FetchPage(int limit, int offset, CancellationToken ct)
        {
            var path = TemporalParameters(new QueryBuilder("ngsi-ld/v1/temporal/entities"), query)
                .Add("id", query.Ids).Add("type", query.Types).Add("idPattern", query.IdPattern).Add("q", query.Q)
                .Add("limit", limit).Add("offset", offset);
            var answer = await _transport.SendAsync(new NgsiTransport.Call(HttpMethod.Get, path.ToString()) { Fiware = fiware, Ld = true }, ct).ConfigureAwait(false);
            return TemporalParser.ParseList(answer.Body);
        }
    }

    /// <summary><c>GET /ngsi-ld/v1/temporal/entities/{id}</c>: one entity's history.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="query">Attributes and time window (its entity filters and paging are ignored); null for everything.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiLdTemporalEntity> GetTemporalEntityAsync(string id, NgsiLdTemporalQuery? query = null, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        query ??= new NgsiLdTemporalQuery();
        query.Check(single: true);
        var path = TemporalParameters(new QueryBuilder("ngsi-ld/v1/temporal/entities/" + QueryBuilder.Segment(id)), query);
        var answer = await _transport.SendAsync(new NgsiTransport.Call(HttpMethod.Get, path.ToString()) { Fiware = fiware, Ld = true }, cancellationToken).ConfigureAwait(false);
        return TemporalParser.ParseOne(answer.Body);
    }

    private static QueryBuilder TemporalParameters(QueryBuilder path, NgsiLdTemporalQuery query)
    {
        if (query.TimeRelation is { } relation)
        {
            path.Add("timerel", relation switch
            {
                NgsiLdTimeRelation.Before => "before",
                NgsiLdTimeRelation.After => "after",
                _ => "between",
            });
            path.Add("timeAt", JsonWrite.Date(query.TimeAt!.Value));
            if (query.EndTimeAt is { } end)
            {
                path.Add("endTimeAt", JsonWrite.Date(end));
            }
        }

        return path.Add("timeproperty", query.TimeProperty).Add("attrs", query.Attrs).Add("lastN", query.LastN)
            .Add("options", query.TemporalValues ? "temporalValues" : null);
    }
}
