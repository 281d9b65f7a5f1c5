using System.Diagnostics;
using System.Diagnostics.Metrics;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine;

/// <summary>
/// The engine's instruments, on the <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/>.
/// Every measurement carries the tags <c>job</c> and <c>stage</c> (the operator's name); counters are observed from
/// per-operator totals, so instrumenting costs nothing per event.
/// </summary>
public static class EngineMetrics
{
    /// <summary>The meter's name: "NgsiFlow.Engine".</summary>
    public const string MeterName = "NgsiFlow.Engine";

    /// <summary>Counter: events that entered an operator.</summary>
    public const string EventsIn = "ngsiflow.engine.events.in";

    /// <summary>Counter: events or results an operator emitted or wrote.</summary>
    public const string EventsOut = "ngsiflow.engine.events.out";

    /// <summary>Gauge: events waiting in the channel in front of a stage.</summary>
    public const string QueueDepth = "ngsiflow.engine.queue.depth";

    /// <summary>Histogram (seconds): time a sink or action took for one batch or micro-batch.</summary>
    public const string BatchDuration = "ngsiflow.engine.batch.duration";

    /// <summary>Gauge (seconds): processing time minus the watermark of an event-time operator.</summary>
    public const string WatermarkLag = "ngsiflow.engine.watermark.lag";

    /// <summary>Counter: late events, with tag <c>outcome</c> = dropped, side_output or reemitted.</summary>
    public const string LateEvents = "ngsiflow.engine.late.events";

    /// <summary>Counter: error outcomes, with tag <c>outcome</c> = retried, skipped, dead_lettered, rejected or failed.</summary>
    public const string Errors = "ngsiflow.engine.errors";

    /// <summary>Counter: events acknowledged to their source.</summary>
    public const string Acknowledged = "ngsiflow.engine.acknowledged";

    private static readonly List<StreamJob> Jobs = [];
    private static readonly Meter Meter = new(MeterName, "1.0");
    private static readonly Histogram<double> BatchDurationHistogram =
        Meter.CreateHistogram<double>(BatchDuration, "s", "Time a sink or action took for one batch.");

    static EngineMetrics()
    {
        Meter.CreateObservableCounter(EventsIn, () => Observe(c => c.EventsIn), "{event}", "Events that entered an operator.");
        Meter.CreateObservableCounter(EventsOut, () => Observe(c => c.EventsOut), "{event}", "Events or results an operator emitted or wrote.");
        Meter.CreateObservableGauge(QueueDepth, () => Observe(c => c.QueueDepth), "{event}", "Events waiting in front of a stage.");
        Meter.CreateObservableGauge(WatermarkLag, ObserveWatermarkLag, "s", "Processing time minus the watermark.");
        Meter.CreateObservableCounter(LateEvents, ObserveLate, "{event}", "Late events by outcome.");
        Meter.CreateObservableCounter(Errors, ObserveErrors, "{event}", "Error outcomes.");
        Meter.CreateObservableCounter(Acknowledged, () => Observe(c => c.Acknowledged, c => c.Kind == "source"), "{event}", "Events acknowledged to their source.");
    }

    internal static void Register(StreamJob job)
    {
        lock (Jobs)
        {
            Jobs.Add(job);
        }
    }

    internal static void Unregister(StreamJob job)
    {
        lock (Jobs)
        {
            Jobs.Remove(job);
        }
    }

    internal static void RecordBatchDuration(OperatorCounters counters, TimeSpan duration)
    {
        if (BatchDurationHistogram.Enabled)
        {
            BatchDurationHistogram.Record(duration.TotalSeconds, Tags(counters));
        }
    }

    private static TagList Tags(OperatorCounters counters) => new() { { "job", counters.Job }, { "stage", counters.Name } };

    private static List<OperatorCounters> Snapshot()
    {
        lock (Jobs)
        {
            return [.. Jobs.SelectMany(j => j.AllCounters)];
        }
    }

    private static IEnumerable<Measurement<long>> Observe(Func<OperatorCounters, long> read, Func<OperatorCounters, bool>? include = null)
    {
        foreach (var counters in Snapshot())
        {
            if (include is null || include(counters))
            {
                yield return new Measurement<long>(read(counters), Tags(counters));
            }
        }
    }

    private static IEnumerable<Measurement<double>> ObserveWatermarkLag()
    {
        foreach (var counters in Snapshot())
        {
            var now = counters.Clock.GetUtcNow().UtcTicks;
            var watermark = Volatile.Read(ref counters.Watermark);
            if (counters.HasWatermark && watermark > 0 && watermark < DateTimeOffset.MaxValue.UtcTicks)
            {
                yield return new Measurement<double>(TimeSpan.FromTicks(now - watermark).TotalSeconds, Tags(counters));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveLate()
    {
        foreach (var counters in Snapshot())
        {
            if (counters.Kind != "window")
            {
                continue;
            }

            yield return WithOutcome(counters, counters.LateDropped, "dropped");
            yield return WithOutcome(counters, counters.LateSideOutput, "side_output");
            yield return WithOutcome(counters, counters.LateReemitted, "reemitted");
        }
    }

    private static IEnumerable<Measurement<long>> ObserveErrors()
    {
        foreach (var counters in Snapshot())
        {
            yield return WithOutcome(counters, counters.Retried, "retried");
            yield return WithOutcome(counters, counters.Skipped, "skipped");
            yield return WithOutcome(counters, counters.DeadLettered, "dead_lettered");
            yield return WithOutcome(counters, counters.Rejected, "rejected");
            yield return WithOutcome(counters, counters.Failed, "failed");
        }
    }

    private static Measurement<long> WithOutcome(OperatorCounters counters, long value, string outcome)
    {
        var tags = Tags(counters);
        tags.Add("outcome", outcome);
        return new Measurement<long>(Interlocked.Read(ref value), tags);
    }
}
