namespace NgsiFlow.RabbitMq;

/// <summary>What a worker did so far.</summary>
/// <param name="Processed">Events handed to the job.</param>
/// <param name="Acknowledged">Messages acknowledged to RabbitMQ (each after its write-back and a checkpoint).</param>
/// <param name="Duplicates">Messages recognised as already processed (by the job's idempotency key, or as covered by
/// the checkpoint the partition was restored from) and skipped.</param>
/// <param name="Redelivered">Messages RabbitMQ delivered again (after a worker failed or a connection was lost); those
/// not recognised as duplicates were processed again from the restored state, and their write-backs repeated.</param>
/// <param name="Rejected">Events the job gave up on (its error policy), acknowledged without a result.</param>
/// <param name="Poison">Messages that were not NgsiFlow events, dropped.</param>
/// <param name="Checkpoints">Checkpoints stored.</param>
/// <param name="Takeovers">Partitions this worker started owning.</param>
/// <param name="OwnedPartitions">Partitions owned now.</param>
public sealed record WorkerStatistics(
    long Processed,
    long Acknowledged,
    long Duplicates,
    long Redelivered,
    long Rejected,
    long Poison,
    long Checkpoints,
    long Takeovers,
    int OwnedPartitions);
