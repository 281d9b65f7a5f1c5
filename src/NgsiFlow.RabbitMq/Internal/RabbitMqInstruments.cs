using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NgsiFlow.RabbitMq.Internal;

/// <summary>Observable instruments over the workers of the process (meter <see cref="RabbitMqMetrics.MeterName"/>).</summary>
internal static class RabbitMqInstruments
{
    private static readonly ConcurrentDictionary<RabbitMqWorker, byte> Workers = new();
    private static readonly Meter Meter = new(RabbitMqMetrics.MeterName, "0.1.0");

    static RabbitMqInstruments()
    {
        Counter("ngsiflow.rabbitmq.processed", "Events handed to the job by workers.", c => Interlocked.Read(ref c.Processed));
        Counter("ngsiflow.rabbitmq.acknowledged", "Messages acknowledged after write-back and checkpoint.", c => Interlocked.Read(ref c.Acknowledged));
        Counter("ngsiflow.rabbitmq.duplicates", "Messages recognised as already processed and skipped.", c => Interlocked.Read(ref c.Duplicates));
        Counter("ngsiflow.rabbitmq.redelivered", "Messages delivered again after a failover or connection loss.", c => Interlocked.Read(ref c.Redelivered));
        Counter("ngsiflow.rabbitmq.checkpoints", "Partition checkpoints stored.", c => Interlocked.Read(ref c.Checkpoints));
        Counter("ngsiflow.rabbitmq.takeovers", "Partitions a worker started owning.", c => Interlocked.Read(ref c.Takeovers));
        Meter.CreateObservableGauge("ngsiflow.rabbitmq.partitions.owned", () => Workers.Keys.Select(w => new Measurement<int>(w.OwnedPartitions.Count, new KeyValuePair<string, object?>("job", w.Job.Name))), "{partition}", "Partitions owned by the workers of this process.");
    }

    public static void Track(RabbitMqWorker worker) => Workers.TryAdd(worker, 0);

    public static void Untrack(RabbitMqWorker worker) => Workers.TryRemove(worker, out _);

    private static void Counter(string name, string description, Func<WorkerCounters, long> read) =>
        Meter.CreateObservableCounter(name, () => Workers.Keys.Select(w => new Measurement<long>(read(w.Counters), new KeyValuePair<string, object?>("job", w.Job.Name))), "{message}", description);
}
