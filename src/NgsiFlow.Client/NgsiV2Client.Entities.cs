using System.Runtime.CompilerServices;
using System.Text;
using NgsiFlow.Client.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>Entities and attributes: <c>/v2/entities</c>.</summary>
public sealed partial class NgsiV2Client
{
    /// <summary><c>POST /v2/entities</c>: creates an entity; fails with 422 when it exists.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="representation">Write attributes normalized or as keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task CreateEntityAsync(NgsiV2Entity entity, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var path = new QueryBuilder("v2/entities").Add("options", KeyValues(representation));
        await _transport.SendAsync(Call(HttpMethod.Post, path, fiware, NgsiV2Writer.EntityToBytes(entity, representation)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /v2/entities?options=upsert</c>: creates the entity or updates its attributes. Safe to retry.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="representation">Write attributes normalized or as keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the entity was created (201), false when it was updated (204).</returns>
    public async Task<bool> UpsertEntityAsync(NgsiV2Entity entity, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var options = representation == NgsiV2Representation.KeyValues ? "upsert,keyValues" : "upsert";
        var path = new QueryBuilder("v2/entities").Add("options", options);
        var answer = await _transport.SendAsync(Call(HttpMethod.Post, path, fiware, NgsiV2Writer.EntityToBytes(entity, representation), safeToRetry: true), cancellationToken).ConfigureAwait(false);
        return answer.Status == 201;
    }

    /// <summary><c>GET /v2/entities/{id}</c>; <see cref="NgsiClientException"/> with 404 when absent.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="type">The entity type, to tell apart entities sharing an id; null for any.</param>
    /// <param name="attrs">The attributes to return; null for all.</param>
    /// <param name="representation">Read normalized or keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiV2Entity> GetEntityAsync(string id, string? type = null, IReadOnlyList<string>? attrs = null, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        (await GetEntityCoreAsync(id, type, attrs, representation, fiware, notFoundIsNull: false, cancellationToken).ConfigureAwait(false))!;

    /// <summary><c>GET /v2/entities/{id}</c>, or null when the broker answers 404.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="attrs">The attributes to return; null for all.</param>
    /// <param name="representation">Read normalized or keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<NgsiV2Entity?> TryGetEntityAsync(string id, string? type = null, IReadOnlyList<string>? attrs = null, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        GetEntityCoreAsync(id, type, attrs, representation, fiware, notFoundIsNull: true, cancellationToken);

    /// <summary>
    /// <c>GET /v2/entities</c>, page after page (<c>limit</c>/<c>offset</c>) until the broker has no more or
    /// <see cref="NgsiV2EntityQuery.MaxResults"/> is reached.
    /// </summary>
    /// <param name="query">Filters, projection and paging; null for every entity.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<NgsiV2Entity> ListEntitiesAsync(NgsiV2EntityQuery? query = null, FiwareContext? fiware = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new NgsiV2EntityQuery();
        query.Check();
        var offset = query.Offset;
        var remaining = query.MaxResults ?? int.MaxValue;
        while (remaining > 0)
        {
            var limit = Math.Min(query.PageSize, remaining);
            var page = await QueryPageAsync(query, offset, limit, count: false, fiware, cancellationToken).ConfigureAwait(false);
            foreach (var entity in page.Items)
            {
                yield return entity;
            }

            remaining -= page.Items.Count;
            offset += page.Items.Count;
            if (page.Items.Count < limit)
            {
                yield break;
            }
        }
    }

    /// <summary>One page of <c>GET /v2/entities</c> (<see cref="NgsiV2EntityQuery.Offset"/>, <see cref="NgsiV2EntityQuery.PageSize"/>), with the total count.</summary>
    /// <param name="query">Filters, projection and paging.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<NgsiPage<NgsiV2Entity>> QueryEntitiesPageAsync(NgsiV2EntityQuery query, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Check();
        return QueryPageAsync(query, query.Offset, query.PageSize, count: true, fiware, cancellationToken);
    }

    /// <summary>How many entities match (<c>options=count</c>, <c>Fiware-Total-Count</c>).</summary>
    /// <param name="query">Filters; null for every entity.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<long> CountEntitiesAsync(NgsiV2EntityQuery? query = null, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        query ??= new NgsiV2EntityQuery();
        query.Check();
        var page = await QueryPageAsync(query, 0, 1, count: true, fiware, cancellationToken).ConfigureAwait(false);
        return page.TotalCount ?? throw new NgsiClientException("GET", new Uri(BaseAddress, "v2/entities"), 200, "MissingCount", "the broker did not send Fiware-Total-Count");
    }

    /// <summary><c>DELETE /v2/entities/{id}</c>.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task DeleteEntityAsync(string id, string? type = null, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        var path = new QueryBuilder(EntityPath(id)).Add("type", type);
        await _transport.SendAsync(Call(HttpMethod.Delete, path, fiware), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /v2/entities/{id}/attrs</c>.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="attrs">The attributes to return; null for all.</param>
    /// <param name="representation">Read normalized or keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiV2AttributeCollection> GetAttributesAsync(string id, string? type = null, IReadOnlyList<string>? attrs = null, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        var path = new QueryBuilder(EntityPath(id) + "/attrs").Add("type", type).Add("attrs", attrs).Add("options", KeyValues(representation));
        var answer = await _transport.SendAsync(Call(HttpMethod.Get, path, fiware), cancellationToken).ConfigureAwait(false);
        return NgsiV2Parser.ParseAttributes(answer.Body, representation);
    }

    /// <summary><c>PATCH /v2/entities/{id}/attrs</c>: updates existing attributes; 422 when one is missing.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="representation">Write normalized or keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task UpdateAttributesAsync(string id, IEnumerable<NgsiV2Attribute> attributes, string? type = null, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        WriteAttributesAsync(HttpMethod.Patch, id, attributes, type, representation, null, safeToRetry: true, fiware, cancellationToken);

    /// <summary><c>POST /v2/entities/{id}/attrs</c>: adds attributes or replaces their values (<paramref name="strict"/>: <c>options=append</c>, failing on existing ones).</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="strict">Only add new attributes (<c>options=append</c>); such a call is not retried unless allowed.</param>
    /// <param name="representation">Write normalized or keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task AppendAttributesAsync(string id, IEnumerable<NgsiV2Attribute> attributes, string? type = null, bool strict = false, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        WriteAttributesAsync(HttpMethod.Post, id, attributes, type, representation, strict ? "append" : null, safeToRetry: !strict, fiware, cancellationToken);

    /// <summary><c>PUT /v2/entities/{id}/attrs</c>: replaces all attributes of the entity.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attributes">The new attributes.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="representation">Write normalized or keyValues.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task ReplaceAttributesAsync(string id, IEnumerable<NgsiV2Attribute> attributes, string? type = null, NgsiV2Representation representation = NgsiV2Representation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        WriteAttributesAsync(HttpMethod.Put, id, attributes, type, representation, null, safeToRetry: true, fiware, cancellationToken);

    /// <summary><c>GET /v2/entities/{id}/attrs/{name}/value</c>.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attributeName">The attribute.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiValue> GetAttributeValueAsync(string id, string attributeName, string? type = null, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        var path = new QueryBuilder(AttributePath(id, attributeName) + "/value").Add("type", type);

        // Orion answers scalars as text/plain (strings quoted) and objects as JSON: both parse as JSON.
        var call = new NgsiTransport.Call(HttpMethod.Get, path.ToString()) { Fiware = fiware, Accept = "text/plain" };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return NgsiValue.Parse(answer.Body);
    }

    /// <summary><c>PUT /v2/entities/{id}/attrs/{name}/value</c>: sets the value, keeping type and metadata.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attributeName">The attribute.</param>
    /// <param name="value">The new value.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task SetAttributeValueAsync(string id, string attributeName, NgsiValue value, string? type = null, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        var path = new QueryBuilder(AttributePath(id, attributeName) + "/value").Add("type", type);
        var structured = value.Kind is NgsiValueKind.Object or NgsiValueKind.Array;

        // Orion takes objects and arrays as JSON, and every other value as its JSON text in text/plain.
        var call = new NgsiTransport.Call(HttpMethod.Put, path.ToString())
        {
            Fiware = fiware,
            Content = Encoding.UTF8.GetBytes(value.ToJson()),
            ContentType = structured ? NgsiTransport.Json : "text/plain",
        };
        await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /v2/entities/{id}/attrs/{name}</c>.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attributeName">The attribute.</param>
    /// <param name="type">The entity type; null for any.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task DeleteAttributeAsync(string id, string attributeName, string? type = null, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        var path = new QueryBuilder(AttributePath(id, attributeName)).Add("type", type);
        await _transport.SendAsync(Call(HttpMethod.Delete, path, fiware), cancellationToken).ConfigureAwait(false);
    }

    private async Task<NgsiV2Entity?> GetEntityCoreAsync(string id, string? type, IReadOnlyList<string>? attrs, NgsiV2Representation representation, FiwareContext? fiware, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        var path = new QueryBuilder(EntityPath(id)).Add("type", type).Add("attrs", attrs).Add("options", KeyValues(representation));
        var call = new NgsiTransport.Call(HttpMethod.Get, path.ToString()) { Fiware = fiware, NotFoundIsNull = notFoundIsNull };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return answer.IsNotFound ? null : NgsiV2Parser.ParseEntity(answer.Body, representation);
    }

    private async Task<NgsiPage<NgsiV2Entity>> QueryPageAsync(NgsiV2EntityQuery query, int offset, int limit, bool count, FiwareContext? fiware, CancellationToken cancellationToken)
    {
        var options = (count, query.Representation) switch
        {
            (true, NgsiV2Representation.KeyValues) => "count,keyValues",
            (true, _) => "count",
            (false, NgsiV2Representation.KeyValues) => "keyValues",
            _ => null,
        };
        var path = new QueryBuilder("v2/entities")
            .Add("id", query.Ids).Add("type", query.Types).Add("idPattern", query.IdPattern).Add("typePattern", query.TypePattern)
            .Add("q", query.Q).Add("mq", query.Mq).Add("attrs", query.Attrs).Add("metadata", query.Metadata).Add("orderBy", query.OrderBy)
            .Add("limit", limit).Add("offset", offset).Add("options", options);
        var answer = await _transport.SendAsync(Call(HttpMethod.Get, path, fiware), cancellationToken).ConfigureAwait(false);
        return new NgsiPage<NgsiV2Entity>(NgsiV2Parser.ParseEntities(answer.Body, query.Representation), offset, answer.Total);
    }

    private async Task WriteAttributesAsync(HttpMethod method, string id, IEnumerable<NgsiV2Attribute> attributes, string? type, NgsiV2Representation representation, string? option, bool safeToRetry, FiwareContext? fiware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var options = (option, representation) switch
        {
            (null, NgsiV2Representation.KeyValues) => "keyValues",
            (_, NgsiV2Representation.KeyValues) => option + ",keyValues",
            _ => option,
        };
        var path = new QueryBuilder(EntityPath(id) + "/attrs").Add("type", type).Add("options", options);
        await _transport.SendAsync(Call(method, path, fiware, NgsiV2Writer.AttributesToBytes(attributes, representation), safeToRetry), cancellationToken).ConfigureAwait(false);
    }

    private static string AttributePath(string id, string attributeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(attributeName);
        return EntityPath(id) + "/attrs/" + QueryBuilder.Segment(attributeName);
    }
}
