namespace NgsiFlow.Engine;

/// <summary>The counters of one operator of a job at one moment (the same figures the metrics export).</summary>
public sealed record OperatorStatistics
{
    /// <summary>The job's name.</summary>
    public required string Job { get; init; }

    /// <summary>The operator's name.</summary>
    public required string Name { get; init; }

    /// <summary>The kind of operator (select, where, window, foreach...).</summary>
    public required string Kind { get; init; }

    /// <summary>Events that entered the operator.</summary>
    public long EventsIn { get; init; }

    /// <summary>Events (or results) the operator emitted or wrote.</summary>
    public long EventsOut { get; init; }

    /// <summary>Events waiting in the channel in front of the operator's stage.</summary>
    public long QueueDepth { get; init; }

    /// <summary>Late events dropped.</summary>
    public long LateDropped { get; init; }

    /// <summary>Late events sent to the side output.</summary>
    public long LateSideOutput { get; init; }

    /// <summary>Late events that updated an emitted window, which was emitted again.</summary>
    public long LateReemitted { get; init; }

    /// <summary>Retried attempts.</summary>
    public long Retried { get; init; }

    /// <summary>Events skipped after errors.</summary>
    public long Skipped { get; init; }

    /// <summary>Events handed to the dead-letter handler.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Events rejected to their source after errors.</summary>
    public long Rejected { get; init; }

    /// <summary>Errors that stopped the job.</summary>
    public long Failed { get; init; }

    /// <summary>Events acknowledged to their source (sources only).</summary>
    public long Acknowledged { get; init; }

    /// <summary>Batches or windows emitted.</summary>
    public long Batches { get; init; }

    /// <summary>The operator's current watermark, when it works in event time.</summary>
    public DateTimeOffset? Watermark { get; init; }
}
