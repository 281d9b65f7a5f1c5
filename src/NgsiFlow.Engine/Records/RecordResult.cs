namespace NgsiFlow.Engine.Records;

/// <summary>Where a record ended up after a <see cref="RecordPipeline"/>.</summary>
/// <param name="Output">The output's name: a route's, <see cref="RecordPipeline.DefaultOutput"/>, <see cref="RecordPipeline.DeadLetterOutput"/> or <see cref="RecordPipeline.FilteredOutput"/>.</param>
/// <param name="Record">The transformed record (for the dead-letter output: the record as it was received).</param>
/// <param name="Reason">Why the record is invalid; null otherwise.</param>
public readonly record struct RecordResult(string Output, Record Record, string? Reason = null)
{
    /// <summary>Whether the record went to the dead-letter output.</summary>
    public bool IsDeadLetter => Output == RecordPipeline.DeadLetterOutput;
}
