namespace NgsiFlow.RabbitMq.Internal;

/// <summary>The worker's counters, updated with Interlocked and read by <see cref="RabbitMqWorker.GetStatistics"/> and the metrics.</summary>
internal sealed class WorkerCounters
{
    public long Processed;
    public long Acknowledged;
    public long Duplicates;
    public long Redelivered;
    public long Rejected;
    public long Poison;
    public long Checkpoints;
    public long Takeovers;
    public long Released;
}
