using Microsoft.Extensions.Logging;

namespace NgsiFlow.RabbitMq.Internal;

/// <summary>Source-generated log messages of the distributed mode.</summary>
internal static partial class RabbitMqLog
{
    [LoggerMessage(1, LogLevel.Information, "Publishing job {Job} to RabbitMQ {Uri} over {Partitions} partitions")]
    public static partial void TargetStarted(ILogger logger, string job, string uri, int partitions);

    [LoggerMessage(2, LogLevel.Warning, "RabbitMQ did not confirm an event of entity {Entity} for job {Job}: {Reason}")]
    public static partial void PublishFailed(ILogger logger, string job, string entity, string reason);

    [LoggerMessage(3, LogLevel.Information, "Worker for job {Job} started on RabbitMQ {Uri}: {Partitions} partitions, prefetch {Prefetch}")]
    public static partial void WorkerStarted(ILogger logger, string job, string uri, int partitions, int prefetch);

    [LoggerMessage(4, LogLevel.Information, "Partition {Partition} of job {Job} taken over (checkpoint {Generation} of {TakenAt} by {Worker}, {Covered} messages covered)")]
    public static partial void TookOver(ILogger logger, string job, int partition, long generation, DateTimeOffset? takenAt, string? worker, int covered);

    [LoggerMessage(10, LogLevel.Debug, "Partition {Partition} of job {Job}: checkpoint {Generation} stored, {Taken} messages up to delivery tag {Tag} acknowledged")]
    public static partial void CheckpointStored(ILogger logger, string job, int partition, long generation, long taken, ulong tag);

    [LoggerMessage(5, LogLevel.Warning, "Partition {Partition} of job {Job} abandoned: {Reason}; its unacknowledged messages go back to the queue")]
    public static partial void Abandoned(ILogger logger, string job, int partition, string reason);

    [LoggerMessage(6, LogLevel.Error, "Message {MessageId} in partition {Partition} of job {Job} is not an NgsiFlow event and is dropped: {Reason}")]
    public static partial void Poison(ILogger logger, string job, int partition, string? messageId, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Checkpoint of partition {Partition} of job {Job} failed: {Reason}")]
    public static partial void CheckpointFailed(ILogger logger, string job, int partition, string reason);

    [LoggerMessage(8, LogLevel.Information, "Worker for job {Job} stopped: {Statistics}")]
    public static partial void WorkerStopped(ILogger logger, string job, WorkerStatistics statistics);

    [LoggerMessage(9, LogLevel.Warning, "RabbitMQ connection of job {Job} lost: {Reason}; recovering")]
    public static partial void ConnectionLost(ILogger logger, string job, string reason);

    [LoggerMessage(11, LogLevel.Debug, "A retired partition channel of job {Job} did not close cleanly: {Reason}")]
    public static partial void ChannelCloseFailed(ILogger logger, string job, string reason);
}
