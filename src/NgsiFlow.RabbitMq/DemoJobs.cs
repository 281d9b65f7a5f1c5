using System.Globalization;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

namespace NgsiFlow.RabbitMq;

/// <summary>Built-in jobs, registered in <see cref="JobRegistry.Default"/>, for trying the distributed mode, tests and benchmarks.</summary>
public static class DemoJobs
{
    /// <summary>The type of the entities <see cref="RunningSum"/> subscribes to.</summary>
    public const string EntityType = "Sensor";

    /// <summary>
    /// <c>running-sum</c>: for every update of a <see cref="EntityType"/> entity's numeric <c>value</c>, keeps per entity
    /// the number of updates, their sum, the last <c>seq</c> (an optional counter the sender sets) and how many updates
    /// came out of <c>seq</c> order, and writes them back to the same entity as <c>sumCount</c>, <c>sumValue</c>,
    /// <c>sumSeq</c> and <c>sumOutOfOrder</c>. Its idempotency key is the entity id plus <c>seq</c> (or
    /// <c>dateModified</c>). The per-entity state is what worker checkpoints carry from one owner to the next.
    /// </summary>
    public static DistributedJob RunningSum { get; } = new("running-sum", static (input, context) => input
        .KeyBy(e => e.EntityId)
        .Process<string, NgsiEvent, RunningSumState, RunningSumResult>(
            _ => new RunningSumState(),
            static (string _, ref RunningSumState state, NgsiEvent e, Emitter<RunningSumResult> output) =>
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
                output.Emit(new RunningSumResult(e, state.Count, state.Sum, seq, state.OutOfOrder));
            },
            name: "running-sum")
        .KeyBy(r => r.Source.EntityId) // so that each entity's write-backs stay in one lane, in order
        .ForEachAsync(
            (r, ct) => new ValueTask(context.Replier.AppendAttributesAsync(r.Source,
            [
                new NgsiV2Attribute("sumCount", NgsiValue.FromNumber(r.Count), "Number"),
                new NgsiV2Attribute("sumValue", NgsiValue.FromNumber(r.Sum), "Number"),
                new NgsiV2Attribute("sumSeq", NgsiValue.FromNumber(r.Seq), "Number"),
                new NgsiV2Attribute("sumOutOfOrder", NgsiValue.FromNumber(r.OutOfOrder), "Number"),
            ], ct)),
            parallelism: 4,
            name: "write-back",
            onError: ErrorPolicy.Fail.WithRetry(5, TimeSpan.FromMilliseconds(200))))
    {
        Description = "per-entity count and sum of 'value' of Sensor entities, written back as sumCount/sumValue/sumSeq/sumOutOfOrder",
        Subscriptions =
        [
            new SubscriptionRequest
            {
                Name = "sensors",
                Entities = [EntityFilter.OfType(EntityType)],
                ConditionAttributes = ["value"],
                Attributes = ["value", "seq"],
            },
        ],
        IdempotencyKey = e => e.Entity.TryGetNumber("seq", out var seq)
            ? e.EntityId + "#" + seq.ToString(CultureInfo.InvariantCulture)
            : DistributedJob.EntityAndModified(e),
    };
}

/// <summary>The per-entity state of <see cref="DemoJobs.RunningSum"/> (snapshots serialise it as JSON).</summary>
public sealed class RunningSumState
{
    /// <summary>Updates counted.</summary>
    public long Count { get; set; }

    /// <summary>Sum of their values.</summary>
    public double Sum { get; set; }

    /// <summary>The last <c>seq</c> seen.</summary>
    public long LastSeq { get; set; }

    /// <summary>Updates whose <c>seq</c> was not the previous one plus one.</summary>
    public long OutOfOrder { get; set; }
}

/// <summary>One result of <see cref="DemoJobs.RunningSum"/>.</summary>
/// <param name="Source">The update it was computed from.</param>
/// <param name="Count">Updates of the entity so far.</param>
/// <param name="Sum">Sum of their values.</param>
/// <param name="Seq">The update's <c>seq</c>.</param>
/// <param name="OutOfOrder">Updates so far that came out of order.</param>
public sealed record RunningSumResult(NgsiEvent Source, long Count, double Sum, long Seq, long OutOfOrder);
