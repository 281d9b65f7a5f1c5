namespace NgsiFlow.Sinks;

/// <summary>
/// Names of the metrics the sinks and sources publish through <see cref="System.Diagnostics.Metrics"/>, for
/// OpenTelemetry (<c>AddMeter(SinkMetrics.MeterName)</c>) or a <c>MeterListener</c>. Every measurement carries the
/// tags <c>sink</c> (the configured name) and <c>sink.type</c> (<c>influxdb</c>, <c>postgresql</c>, <c>rabbitmq</c>...).
/// </summary>
public static class SinkMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "NgsiFlow.Sinks";

    /// <summary>Counter: records (points, rows, messages) the destination acknowledged.</summary>
    public const string RecordsWritten = "ngsiflow.sink.records_written";

    /// <summary>Counter: batches the destination acknowledged.</summary>
    public const string BatchesWritten = "ngsiflow.sink.batches_written";

    /// <summary>Counter: retries after a transient failure.</summary>
    public const string Retries = "ngsiflow.sink.retries";

    /// <summary>Counter: batches the sink gave up on (permanent failure or retries exhausted).</summary>
    public const string Failures = "ngsiflow.sink.failures";

    /// <summary>Histogram: seconds from sending a batch to its acknowledgement, retries included.</summary>
    public const string BatchDuration = "ngsiflow.sink.batch_duration";

    /// <summary>Counter: records a source delivered (tag <c>source</c> instead of <c>sink</c>).</summary>
    public const string SourceRecordsRead = "ngsiflow.source.records_read";

    /// <summary>Counter: records a source rejected (bad data, or rejected by the engine).</summary>
    public const string SourceRecordsRejected = "ngsiflow.source.records_rejected";
}
