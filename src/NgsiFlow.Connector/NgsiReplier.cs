using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// Writes results back to a broker (NGSI-v2 or NGSI-LD). Every task completes only when the broker confirmed the
/// write (2xx), so an engine sink or <c>ForEachAsync</c> that awaits it acknowledges nothing unconfirmed. 5xx answers
/// and timeouts are retried with backoff by the broker connection's client; what finally fails goes to the dead-letter
/// log (file and/or sink) and the <c>ngsiflow.connector.writebacks.deadlettered</c> metric, and the task faults with
/// <see cref="WriteBackException"/>. With <see cref="ReplierOptions.BatchWindow"/> set, updates arriving within the
/// window are coalesced into one batch request.
/// </summary>
public sealed partial class NgsiReplier : IAsyncDisposable
{
    private readonly BrokerConnection _broker;
    private readonly ReplierOptions _options;
    private readonly ILogger _logger;
    private readonly DeadLetterLog _deadLetters;
    private readonly Channel<PendingWrite>? _queue;
    private readonly Task? _batcher;
    private readonly KeyValuePair<string, object?> _apiTag;
    private long _submitted;
    private long _confirmed;
    private long _deadLettered;
    private long _requests;
    private long _batches;

    /// <summary>Creates a replier for <paramref name="broker"/>.</summary>
    /// <param name="broker">Where to write.</param>
    /// <param name="options">Batching, dead letters, placeholder.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public NgsiReplier(BrokerConnection broker, ReplierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        _options = options ?? new ReplierOptions();
        _options.Validate();
        _broker = broker;
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NgsiFlow.Connector.Replier");
        _deadLetters = new DeadLetterLog(_options.DeadLetterPath, _options.DeadLetterSink, _logger);
        _apiTag = new KeyValuePair<string, object?>("api", broker.Api == NgsiApi.V2 ? "v2" : "ld");
        if (_options.BatchWindow > TimeSpan.Zero)
        {
            _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
            _batcher = Task.Run(BatchLoopAsync);
        }
    }

    /// <summary>The broker written to.</summary>
    public BrokerConnection Broker => _broker;

    /// <summary>Counters since creation.</summary>
    /// <returns>A snapshot.</returns>
    public ReplierStatistics GetStatistics() => new(
        Interlocked.Read(ref _submitted),
        Interlocked.Read(ref _confirmed),
        Interlocked.Read(ref _deadLettered),
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _batches),
        _broker.Retries);

    /// <summary>NGSI-v2 PATCH <c>/v2/entities/{id}/attrs</c> of the event's entity: updates existing attributes.
    /// Batchable (as <c>/v2/op/update</c> update). Tenant, service path and correlator come from the event.</summary>
    /// <param name="source">The event the result belongs to.</param>
    /// <param name="attributes">The attributes to write.</param>
    /// <param name="cancellationToken">Stops waiting (the write may still happen).</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task UpdateAttributesAsync(NgsiEvent source, IEnumerable<NgsiV2Attribute> attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return V2AttributesAsync(HttpMethod.Patch, BatchKind.V2Update, source.EntityId, source.EntityType, attributes, FromEvent(source), cancellationToken, source.TraceContext);
    }

    /// <summary>NGSI-v2 PATCH <c>/v2/entities/{id}/attrs</c>: updates existing attributes. Batchable when
    /// <paramref name="type"/> is given.</summary>
    /// <param name="id">Entity id.</param>
    /// <param name="type">Entity type (recommended).</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="fiware">Tenant, service path, correlator; the connection's default when null.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task UpdateAttributesAsync(string id, string? type, IEnumerable<NgsiV2Attribute> attributes, FiwareContext? fiware, CancellationToken cancellationToken) =>
        V2AttributesAsync(HttpMethod.Patch, BatchKind.V2Update, id, type, attributes, fiware, cancellationToken);

    /// <summary>NGSI-v2 POST <c>/v2/entities/{id}/attrs</c> of the event's entity: adds or replaces attributes.
    /// Batchable (as <c>/v2/op/update</c> append).</summary>
    /// <param name="source">The event the result belongs to.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task AppendAttributesAsync(NgsiEvent source, IEnumerable<NgsiV2Attribute> attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return V2AttributesAsync(HttpMethod.Post, BatchKind.V2Append, source.EntityId, source.EntityType, attributes, FromEvent(source), cancellationToken, source.TraceContext);
    }

    /// <summary>NGSI-v2 POST <c>/v2/entities/{id}/attrs</c>: adds or replaces attributes. Batchable when
    /// <paramref name="type"/> is given.</summary>
    /// <param name="id">Entity id.</param>
    /// <param name="type">Entity type.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="fiware">Tenant, service path, correlator.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task AppendAttributesAsync(string id, string? type, IEnumerable<NgsiV2Attribute> attributes, FiwareContext? fiware, CancellationToken cancellationToken) =>
        V2AttributesAsync(HttpMethod.Post, BatchKind.V2Append, id, type, attributes, fiware, cancellationToken);

    /// <summary>NGSI-v2 PUT <c>/v2/entities/{id}/attrs</c>: replaces all attributes. Never batched.</summary>
    /// <param name="id">Entity id.</param>
    /// <param name="type">Entity type.</param>
    /// <param name="attributes">The new attributes.</param>
    /// <param name="fiware">Tenant, service path, correlator.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task ReplaceAttributesAsync(string id, string? type, IEnumerable<NgsiV2Attribute> attributes, FiwareContext? fiware, CancellationToken cancellationToken) =>
        V2AttributesAsync(HttpMethod.Put, BatchKind.None, id, type, attributes, fiware, cancellationToken);

    /// <summary>NGSI-v2 POST <c>/v2/entities</c>: creates an entity (fails if it exists). Never batched.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="fiware">Tenant, service path, correlator.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task CreateEntityAsync(NgsiV2Entity entity, FiwareContext? fiware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        RequireApi(NgsiApi.V2);
        return SubmitAsync(new PendingWrite
        {
            Method = HttpMethod.Post,
            Path = "v2/entities",
            Body = NgsiV2Writer.EntityToBytes(entity),
            ContentType = "application/json",
            Fiware = fiware ?? _broker.DefaultFiware,
        }, cancellationToken);
    }

    /// <summary>NGSI-v2 POST <c>/v2/entities?options=upsert</c>: creates the entity or appends its attributes.
    /// Batchable (as <c>/v2/op/update</c> append).</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="fiware">Tenant, service path, correlator.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task UpsertEntityAsync(NgsiV2Entity entity, FiwareContext? fiware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        RequireApi(NgsiApi.V2);
        var context = fiware ?? _broker.DefaultFiware;
        return SubmitAsync(new PendingWrite
        {
            Method = HttpMethod.Post,
            Path = "v2/entities?options=upsert",
            Body = NgsiV2Writer.EntityToBytes(entity),
            ContentType = "application/json",
            Fiware = context,
            Kind = BatchKind.V2Append,
            V2Entity = entity,
            BatchKey = Key(BatchKind.V2Append, context, default),
        }, cancellationToken);
    }

    /// <summary>NGSI-LD PATCH <c>/ngsi-ld/v1/entities/{id}/attrs</c> of the event's entity, with the event's
    /// <c>@context</c> and tenant. Batchable (as an LD batch upsert with options=update).</summary>
    /// <param name="source">The event the result belongs to.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task UpdateAttributesAsync(NgsiEvent source, IEnumerable<NgsiLdAttribute> attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(attributes);
        RequireApi(NgsiApi.Ld);
        var attrs = attributes.ToList();
        var fiware = FromEvent(source);
        var context = source.LdContext;
        var types = source.Entity is NgsiLdEntity ld ? ld.Types : [source.EntityType];
        return SubmitAsync(new PendingWrite
        {
            Method = HttpMethod.Patch,
            Path = $"ngsi-ld/v1/entities/{Uri.EscapeDataString(source.EntityId)}/attrs",
            Body = NgsiLdWriter.AttributesToBytes(attrs, NgsiLdRepresentation.Normalized, context),
            ContentType = context.IsNull ? "application/json" : "application/ld+json",
            Fiware = fiware,
            Kind = BatchKind.LdUpsert,
            LdEntity = new NgsiLdEntity(source.EntityId, types, new NgsiLdAttributeCollection(attrs)),
            LdContext = context,
            BatchKey = Key(BatchKind.LdUpsert, fiware, context),
            Parent = source.TraceContext == default ? System.Diagnostics.Activity.Current?.Context ?? default : source.TraceContext,
        }, cancellationToken);
    }

    /// <summary>NGSI-LD upsert (<c>entityOperations/upsert?options=update</c>) of one entity: created or merged.
    /// Batchable.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="context">Its <c>@context</c> (sent inline); the connection's default Link when null.</param>
    /// <param name="fiware">Tenant and correlator.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task UpsertEntityAsync(NgsiLdEntity entity, NgsiValue context, FiwareContext? fiware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        RequireApi(NgsiApi.Ld);
        var tenant = fiware ?? _broker.DefaultFiware;
        return SubmitAsync(new PendingWrite
        {
            Method = HttpMethod.Post,
            Path = "ngsi-ld/v1/entityOperations/upsert?options=update",
            Body = NgsiLdWriter.EntitiesToBytes([entity], NgsiLdRepresentation.Normalized, context),
            ContentType = context.IsNull ? "application/json" : "application/ld+json",
            Fiware = tenant,
            Kind = BatchKind.LdUpsert,
            LdEntity = entity,
            LdContext = context,
            BatchKey = Key(BatchKind.LdUpsert, tenant, context),
        }, cancellationToken);
    }

    /// <summary>Waits until every write submitted so far was confirmed or dead-lettered.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when idle.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (Interlocked.Read(ref _confirmed) + Interlocked.Read(ref _deadLettered) < Interlocked.Read(ref _submitted))
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends what is queued and stops the batcher.</summary>
    /// <returns>Completes when everything queued was answered.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_queue is not null && _queue.Writer.TryComplete() && _batcher is not null)
        {
            await _batcher.ConfigureAwait(false);
        }

        await _deadLetters.DisposeAsync().ConfigureAwait(false);
    }

    private Task V2AttributesAsync(HttpMethod method, BatchKind kind, string id, string? type, IEnumerable<NgsiV2Attribute> attributes, FiwareContext? fiware, CancellationToken cancellationToken, System.Diagnostics.ActivityContext parent = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(attributes);
        RequireApi(NgsiApi.V2);
        var attrs = new NgsiV2AttributeCollection(attributes);
        var context = fiware ?? _broker.DefaultFiware;
        var batchable = kind != BatchKind.None && !string.IsNullOrEmpty(type);
        return SubmitAsync(new PendingWrite
        {
            Method = method,
            Path = $"v2/entities/{Uri.EscapeDataString(id)}/attrs" + (type is null ? string.Empty : "?type=" + Uri.EscapeDataString(type)),
            Body = NgsiV2Writer.AttributesToBytes(attrs),
            ContentType = "application/json",
            Fiware = context,
            Kind = batchable ? kind : BatchKind.None,
            V2Entity = batchable ? new NgsiV2Entity(id, type!, attrs) : null,
            BatchKey = batchable ? Key(kind, context, default) : string.Empty,
            Parent = parent == default ? System.Diagnostics.Activity.Current?.Context ?? default : parent,
        }, cancellationToken);
    }

    private FiwareContext FromEvent(NgsiEvent source)
    {
        // Orion appends "; cbnotif=N" to the correlator of the update that caused a notification: the write-back
        // carries the root correlator, so the whole chain shares one id.
        var f = source.Fiware;
        string? correlator = null;
        if (_options.PassCorrelator && f.Correlator is { } c)
        {
            var semicolon = c.IndexOf(';', StringComparison.Ordinal);
            correlator = (semicolon < 0 ? c : c[..semicolon]).Trim();
        }

        return correlator == f.Correlator ? f : f with { Correlator = correlator };
    }

    private void RequireApi(NgsiApi api)
    {
        if (_broker.Api != api)
        {
            throw new InvalidOperationException($"Broker '{_broker.Name}' speaks NGSI-{(_broker.Api == NgsiApi.V2 ? "v2" : "LD")}; this write needs an NGSI-{(api == NgsiApi.V2 ? "v2" : "LD")} broker.");
        }
    }

    private static string Key(BatchKind kind, FiwareContext fiware, NgsiValue context) =>
        $"{kind}|{fiware.Tenant}|{fiware.ServicePath}|{(context.IsNull ? string.Empty : context.ToJson())}";
}
