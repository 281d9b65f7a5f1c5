namespace NgsiFlow.Sinks;

/// <summary>What a source does with a record it cannot turn into an event (bad CSV row, invalid JSON, bad message).</summary>
public enum BadRecordHandling
{
    /// <summary>Stop reading: <c>ReadAsync</c> throws a <see cref="SourceReadException"/> saying where and why.</summary>
    Stop,

    /// <summary>
    /// Reject the record (logged, counted in <see cref="SinkMetrics.SourceRecordsRejected"/>, dead-lettered by a
    /// queue that has a dead-letter exchange) and keep reading.
    /// </summary>
    Reject,
}
