using Microsoft.Extensions.Logging;

namespace NgsiFlow.Engine;

/// <summary>Settings of a <see cref="StreamJob"/>, validated when the job starts.</summary>
public sealed class StreamJobOptions
{
    /// <summary>The clock for processing time, micro-batch intervals, idle watermarks and retry delays. Tests use <see cref="ManualTimeProvider"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How many events move between operators and stages at once (at most). Default 1024.</summary>
    public int ChunkSize { get; set; } = 1024;

    /// <summary>The default number of events an input accepts before writers wait. Default 65,536.</summary>
    public int InputCapacity { get; set; } = 65_536;

    /// <summary>How many chunks the channel in front of an asynchronous or parallel stage holds. Default 4.</summary>
    public int StageCapacity { get; set; } = 4;

    /// <summary>How often processing time advances in the operators (closing micro-batches and processing-time windows). Default 100 ms.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The error policy of operators that do not set their own. Default <see cref="ErrorPolicy.Fail"/>.</summary>
    public ErrorPolicy DefaultErrorPolicy { get; set; } = ErrorPolicy.Fail;

    /// <summary>Receives the events that a stage with <see cref="ErrorOutcome.DeadLetter"/> gave up on.</summary>
    public Func<DeadLetter, CancellationToken, ValueTask>? DeadLetterHandler { get; set; }

    /// <summary>Whether a graceful stop emits the windows and micro-batches still open (true, the default) or discards
    /// them; discarded events are not acknowledged to their source, which delivers them again.</summary>
    public bool FlushOpenWindowsOnStop { get; set; } = true;

    /// <summary>The number of key partitions state is grouped by in snapshots (see <see cref="StableHash.PartitionOf{TKey}"/>). Default 1.</summary>
    public int PartitionCount { get; set; } = 1;

    /// <summary>Turns keys and state into bytes for snapshots. Default <see cref="JsonStateSerializer.Default"/>.</summary>
    public IStateSerializer StateSerializer { get; set; } = JsonStateSerializer.Default;

    /// <summary>Where the job logs its start, stop and failures. Optional.</summary>
    public ILogger? Logger { get; set; }

    internal void Validate()
    {
        if (TimeProvider is null)
        {
            throw new ArgumentException("StreamJobOptions.TimeProvider must not be null.", nameof(TimeProvider));
        }

        if (ChunkSize is < 1 or > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "StreamJobOptions.ChunkSize must be between 1 and 1,048,576.");
        }

        if (InputCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(InputCapacity), InputCapacity, "StreamJobOptions.InputCapacity must be at least 1.");
        }

        if (StageCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(StageCapacity), StageCapacity, "StreamJobOptions.StageCapacity must be at least 1.");
        }

        if (TickInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TickInterval), TickInterval, "StreamJobOptions.TickInterval must be positive.");
        }

        if (DefaultErrorPolicy is null)
        {
            throw new ArgumentException("StreamJobOptions.DefaultErrorPolicy must not be null.", nameof(DefaultErrorPolicy));
        }

        if (PartitionCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PartitionCount), PartitionCount, "StreamJobOptions.PartitionCount must be at least 1.");
        }

        if (StateSerializer is null)
        {
            throw new ArgumentException("StreamJobOptions.StateSerializer must not be null.", nameof(StateSerializer));
        }
    }
}
