using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using NgsiFlow.Client.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>
/// A typed client for NGSI-LD brokers (Orion-LD, Scorpio, Stellio): entities, attributes, batch operations,
/// subscriptions and the temporal API. Calls carry the tenant as <c>NGSILD-Tenant</c> and the @context
/// (<see cref="NgsiClientOptions.LdContext"/>) in a <c>Link</c> header, unless a body carries its own <c>@context</c>
/// (then it is sent as <c>application/ld+json</c>). Thread-safe; keep one per broker. Errors as for
/// <see cref="NgsiV2Client"/>: <see cref="NgsiClientException"/> with the ProblemDetails of the answer.
/// </summary>
public sealed partial class NgsiLdClient : IDisposable
{
    private readonly NgsiTransport _transport;

    /// <summary>Creates a client with its own connection pool.</summary>
    /// <param name="options">The settings; validated here (<see cref="ArgumentException"/> naming every bad value).</param>
    /// <param name="loggerFactory">Where retries and failures are logged, or null.</param>
    public NgsiLdClient(NgsiClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        _transport = new NgsiTransport(options, null, loggerFactory);
    }

    /// <summary>Creates a client over a handler of your own; retries, timeouts and auth still apply.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="innerHandler">The handler that sends the requests; not disposed by the client.</param>
    /// <param name="loggerFactory">Where retries and failures are logged, or null.</param>
    public NgsiLdClient(NgsiClientOptions options, HttpMessageHandler innerHandler, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(innerHandler);
        _transport = new NgsiTransport(options, innerHandler, loggerFactory);
    }

    /// <summary>The broker's root URL.</summary>
    public Uri BaseAddress => _transport.BaseAddress;

    /// <summary>The validated options.</summary>
    public NgsiClientOptions Options => _transport.Options;

    /// <summary><c>POST /ngsi-ld/v1/entities</c>: creates an entity; 409 when it exists. Not retried unless allowed.</summary>
    /// <param name="entity">The entity; when it has a <see cref="NgsiLdEntity.Context"/> it is sent as <c>application/ld+json</c>.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task CreateEntityAsync(NgsiLdEntity entity, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var call = new NgsiTransport.Call(HttpMethod.Post, "ngsi-ld/v1/entities")
        {
            Content = NgsiLdWriter.EntityToBytes(entity, representation),
            ContentType = entity.Context.IsNull ? NgsiTransport.Json : NgsiTransport.LdJson,
            Fiware = fiware,
            Ld = true,
        };
        await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /ngsi-ld/v1/entities/{id}</c>; <see cref="NgsiClientException"/> with 404 when absent.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attrs">The attributes to return; null for all.</param>
    /// <param name="representation">Normalized, concise or simplified.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiLdEntity> GetEntityAsync(string id, IReadOnlyList<string>? attrs = null, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        (await GetEntityCoreAsync(id, attrs, representation, fiware, notFoundIsNull: false, cancellationToken).ConfigureAwait(false))!;

    /// <summary><c>GET /ngsi-ld/v1/entities/{id}</c>, or null when the broker answers 404.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attrs">The attributes to return; null for all.</param>
    /// <param name="representation">Normalized, concise or simplified.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<NgsiLdEntity?> TryGetEntityAsync(string id, IReadOnlyList<string>? attrs = null, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        GetEntityCoreAsync(id, attrs, representation, fiware, notFoundIsNull: true, cancellationToken);

    /// <summary><c>GET /ngsi-ld/v1/entities</c>, page after page (<c>limit</c>/<c>offset</c>).</summary>
    /// <param name="query">Filters, projection and paging (NGSI-LD requires at least a type, id, q, attrs or geo-query).</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<NgsiLdEntity> QueryEntitiesAsync(NgsiLdEntityQuery query, FiwareContext? fiware = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Check("NgsiLdEntityQuery");
        var entities = Paging.ReadAllAsync(query.Offset, query.MaxResults, query.PageSize, FetchPage, cancellationToken);
        await foreach (var entity in entities.ConfigureAwait(false))
        {
            yield return entity;
        }

        async Task<IReadOnlyList<NgsiLdEntity>> FetchPage(int limit, int offset, CancellationToken ct)
        {
            var path = new QueryBuilder("ngsi-ld/v1/entities")
                .Add("id", query.Ids).Add("type", query.Types).Add("idPattern", query.IdPattern).Add("q", query.Q).Add("attrs", query.Attrs)
                .Add("georel", query.Georel).Add("geometry", query.Geometry).Add("coordinates", query.Coordinates)
                .Add("limit", limit).Add("offset", offset).Add("options", FormatOption(query.Representation));
            var answer = await _transport.SendAsync(new NgsiTransport.Call(HttpMethod.Get, path.ToString()) { Fiware = fiware, Ld = true }, ct).ConfigureAwait(false);
            return NgsiLdParser.ParseEntities(answer.Body, query.Representation);
        }
    }

    /// <summary><c>DELETE /ngsi-ld/v1/entities/{id}</c>.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task DeleteEntityAsync(string id, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(new NgsiTransport.Call(HttpMethod.Delete, EntityPath(id)) { Fiware = fiware, Ld = true }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// <c>PATCH /ngsi-ld/v1/entities/{id}/attrs</c>: updates existing attributes. A 207 answer (some attributes not
    /// updated) raises <see cref="NgsiClientException"/> listing them in <see cref="NgsiClientException.BatchErrors"/>.
    /// </summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task UpdateAttributesAsync(string id, IEnumerable<NgsiLdAttribute> attributes, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        WriteAttributesAsync(HttpMethod.Patch, id, attributes, null, fiware, cancellationToken);

    /// <summary><c>POST /ngsi-ld/v1/entities/{id}/attrs</c>: adds attributes, replacing existing ones unless <paramref name="noOverwrite"/>.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="noOverwrite">Keep existing attributes (<c>options=noOverwrite</c>).</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task AppendAttributesAsync(string id, IEnumerable<NgsiLdAttribute> attributes, bool noOverwrite = false, FiwareContext? fiware = null, CancellationToken cancellationToken = default) =>
        WriteAttributesAsync(HttpMethod.Post, id, attributes, noOverwrite ? "noOverwrite" : null, fiware, cancellationToken);

    /// <summary>Closes the connection pool.</summary>
    public void Dispose() => _transport.Dispose();

    /// <summary>
    /// Sends a request of your own and checks the answer. NGSI-LD headers (tenant, Link) are added as for every call.
    /// Retried only when the method is idempotent or <paramref name="safeToRetry"/> says so.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativeUri">The path and query relative to the base address, e.g. <c>ngsi-ld/v1/entityOperations/upsert</c>.</param>
    /// <param name="body">The body; empty for none.</param>
    /// <param name="contentType">The body's media type; <c>application/ld+json</c> suppresses the Link header.</param>
    /// <param name="safeToRetry">True when a POST may be repeated after a transient failure.</param>
    /// <param name="fiware">Tenant and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiRawResponse> SendAsync(HttpMethod method, string relativeUri, ReadOnlyMemory<byte> body, string contentType = NgsiTransport.Json, bool safeToRetry = false, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(relativeUri);
        var call = new NgsiTransport.Call(method, relativeUri.TrimStart('/'))
        {
            Content = body.IsEmpty ? null : body.ToArray(),
            ContentType = contentType,
            Fiware = fiware,
            SafeToRetry = safeToRetry,
            Ld = true,
        };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return new NgsiRawResponse(answer.Status, answer.Body, answer.ContentType, answer.Location);
    }

    private async Task<NgsiLdEntity?> GetEntityCoreAsync(string id, IReadOnlyList<string>? attrs, NgsiLdRepresentation representation, FiwareContext? fiware, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        var path = new QueryBuilder(EntityPath(id)).Add("attrs", attrs).Add("options", FormatOption(representation));
        var call = new NgsiTransport.Call(HttpMethod.Get, path.ToString()) { Fiware = fiware, Ld = true, NotFoundIsNull = notFoundIsNull };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return answer.IsNotFound ? null : NgsiLdParser.ParseEntity(answer.Body, representation);
    }

    private async Task WriteAttributesAsync(HttpMethod method, string id, IEnumerable<NgsiLdAttribute> attributes, string? option, FiwareContext? fiware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var path = new QueryBuilder(EntityPath(id) + "/attrs").Add("options", option);
        var call = new NgsiTransport.Call(method, path.ToString())
        {
            Content = NgsiLdWriter.AttributesToBytes(attributes),
            Fiware = fiware,
            Ld = true,
            SafeToRetry = true,
        };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (answer.Status == 207)
        {
            LdResults.ThrowNotUpdated(id, call.Method.Method, answer);
        }
    }

    private static string EntityPath(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return "ngsi-ld/v1/entities/" + QueryBuilder.Segment(id);
    }

    private static string? FormatOption(NgsiLdRepresentation representation) => representation switch
    {
        NgsiLdRepresentation.Concise => "concise",
        NgsiLdRepresentation.Simplified => "keyValues",
        _ => null,
    };
}
