using System.Globalization;
using NgsiFlow.Cluster;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Jobs;

/// <summary>The built-in cluster jobs (<c>ngsiflow node --job NAME</c>), for trying cluster mode, its tests and <c>bench cluster</c>.</summary>
internal static class ClusterDemoJobs
{
    /// <summary>The type of the entities the jobs subscribe to.</summary>
    public const string EntityType = "Sensor";

    /// <summary>
    /// <c>running-sum</c>: per entity, the number of updates, the sum of their <c>value</c>, the last <c>seq</c> (a counter
    /// the sender sets) and how many updates came out of <c>seq</c> order, written back to the same entity as
    /// <c>sumCount</c>, <c>sumValue</c>, <c>sumSeq</c> and <c>sumOutOfOrder</c>. Idempotency key: entity id and <c>seq</c>.
    /// </summary>
    public static ClusterJob<RunningSumState> RunningSum { get; } = new("running-sum", _ => new RunningSumState(), static (_, state, e, output) =>
    {
        var value = e.Entity.TryGetNumber("value", out var v) ? v : 0;
        var seq = e.Entity.TryGetNumber("seq", out var s) ? (long)s : state.LastSeq + 1;
        if (seq != state.LastSeq + 1)
        {
            state.OutOfOrder++;
        }

        state.Count++;
        state.Sum += value;
        state.LastSeq = seq;
        output.Add(new WriteBack(e.EntityId, e.EntityType,
        [
            new NgsiV2Attribute("sumCount", NgsiValue.FromNumber(state.Count), "Number"),
            new NgsiV2Attribute("sumValue", NgsiValue.FromNumber(state.Sum), "Number"),
            new NgsiV2Attribute("sumSeq", NgsiValue.FromNumber(seq), "Number"),
            new NgsiV2Attribute("sumOutOfOrder", NgsiValue.FromNumber(state.OutOfOrder), "Number"),
        ], e.Fiware with { Correlator = null }));
    })
    {
        Description = "per-entity count and sum of 'value' of Sensor entities, written back as sumCount/sumValue/sumSeq/sumOutOfOrder",
        Subscriptions = [new SubscriptionRequest { Name = "sensors", Entities = [EntityFilter.OfType(EntityType)], ConditionAttributes = ["value"], Attributes = ["value", "seq"] }],
        IdempotencyKey = static e => e.Entity.TryGetNumber("seq", out var seq)
            ? e.EntityId + "#" + seq.ToString(CultureInfo.InvariantCulture)
            : ClusterJob.EntityAndModified(e),
    };

    /// <summary>
    /// <c>type-counts</c>: keyed by entity type, not entity: the number of updates per type in tumbling 10-second windows
    /// of event time (the update's <c>ts</c> attribute, else the notification time), upserted as entity
    /// <c>TypeCount:{type}:{window start}</c> with <c>count</c>. Each entity's <c>seq</c> makes a repeated update count once.
    /// </summary>
    public static ClusterJob<TypeCountsState> TypeCounts { get; } = new("type-counts", _ => new TypeCountsState(), static (type, state, e, output) =>
    {
        if (e.Entity.TryGetNumber("seq", out var s))
        {
            if (state.LastSeq.TryGetValue(e.EntityId, out var last) && (long)s <= last)
            {
                return;
            }

            state.LastSeq[e.EntityId] = (long)s;
        }

        var time = e.Entity.TryGetValue("ts", out var ts) && ts.TryGetString(out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : e.NotifiedAt ?? e.ReceivedAt;
        var start = time.ToUnixTimeMilliseconds() / TypeCountsState.WindowMs * TypeCountsState.WindowMs;
        var count = state.Counts[start] = state.Counts.GetValueOrDefault(start) + 1;
        var startText = DateTimeOffset.FromUnixTimeMilliseconds(start).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        output.Add(new WriteBack(TypeCountsState.EntityId(type, start), "TypeCount",
        [
            new NgsiV2Attribute("count", NgsiValue.FromNumber(count), "Number"),
            new NgsiV2Attribute("entityType", NgsiValue.FromString(type), "Text"),
            new NgsiV2Attribute("windowStart", NgsiValue.FromString(startText), "DateTime"),
        ], e.Fiware with { Correlator = null }, WriteBackMode.Upsert));
    })
    {
        Description = "updates per entity type in 10 s event-time windows, upserted as TypeCount:{type}:{window start}",
        Key = static e => e.EntityType,
        Subscriptions = [new SubscriptionRequest { Name = "all", Entities = [EntityFilter.OfType(EntityType)], ConditionAttributes = ["value"], Attributes = ["value", "seq", "ts"] }],
        IdempotencyKey = static _ => null,
    };

    /// <summary>Both jobs.</summary>
    public static ClusterJobRegistry Registry() => new ClusterJobRegistry().Add(RunningSum).Add(TypeCounts);
}

/// <summary>The per-entity state of <see cref="ClusterDemoJobs.RunningSum"/>.</summary>
internal sealed class RunningSumState
{
    public long Count { get; set; }

    public double Sum { get; set; }

    public long LastSeq { get; set; }

    public long OutOfOrder { get; set; }
}

/// <summary>The per-type state of <see cref="ClusterDemoJobs.TypeCounts"/>: counts per window start (Unix ms), last seq per entity.</summary>
internal sealed class TypeCountsState
{
    public const long WindowMs = 10_000;

    public Dictionary<long, long> Counts { get; set; } = [];

    public Dictionary<string, long> LastSeq { get; set; } = new(StringComparer.Ordinal);

    public static string EntityId(string type, long windowStart) => "TypeCount:" + type + ":" + windowStart.ToString(CultureInfo.InvariantCulture);
}
