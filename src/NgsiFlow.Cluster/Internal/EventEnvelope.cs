using NgsiFlow.Connector;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cluster.Internal;

/// <summary>
/// An <see cref="NgsiEvent"/> on its way from a node's receiver to its key's grain: the entity in normalized form
/// (NGSI-v2 or NGSI-LD) and what the broker said about it, plus the idempotency key the receiver computed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ngsiflow.event")]
internal sealed class EventEnvelope
{
    [Id(0)] public required string Job { get; init; }

    [Id(1)] public required bool IsLd { get; init; }

    [Id(2)] public required byte[] Entity { get; init; }

    [Id(3)] public required string Tenant { get; init; }

    [Id(4)] public required string ServicePath { get; init; }

    [Id(5)] public string? Correlator { get; init; }

    [Id(6)] public required NotificationFormat Format { get; init; }

    [Id(7)] public string? SubscriptionId { get; init; }

    [Id(8)] public DateTimeOffset? NotifiedAt { get; init; }

    [Id(9)] public required DateTimeOffset ReceivedAt { get; init; }

    [Id(10)] public string? LdContext { get; init; }

    [Id(11)] public string? IdempotencyKey { get; init; }

    public static EventEnvelope From(NgsiEvent e, string? idempotencyKey) => new()
    {
        Job = e.Job,
        IsLd = e.IsLd,
        Entity = e.Entity is NgsiLdEntity ld ? NgsiLdWriter.EntityToBytes(ld) : NgsiV2Writer.EntityToBytes(e.V2Entity),
        Tenant = e.Fiware.Tenant,
        ServicePath = e.Fiware.ServicePath,
        Correlator = e.Fiware.Correlator,
        Format = e.Format,
        SubscriptionId = e.SubscriptionId,
        NotifiedAt = e.NotifiedAt,
        ReceivedAt = e.ReceivedAt,
        LdContext = e.IsLd && e.LdContext.Kind != NgsiValueKind.Null ? e.LdContext.ToJson() : null,
        IdempotencyKey = idempotencyKey,
    };

    public NgsiEvent ToEvent()
    {
        INgsiEntity entity = IsLd ? NgsiLdParser.ParseEntity(Entity) : NgsiV2Parser.ParseEntity(Entity);
        return new NgsiEvent(Job, entity, new FiwareContext(Tenant, ServicePath, Correlator), Format, SubscriptionId, NotifiedAt, ReceivedAt)
        {
            LdContext = LdContext is null ? default : NgsiValue.Parse(LdContext),
        };
    }
}
