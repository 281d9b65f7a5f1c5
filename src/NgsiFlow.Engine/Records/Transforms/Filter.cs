namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>Keeps the records that satisfy a condition; the others leave the pipeline as filtered (counted, not lost unseen).</summary>
public sealed class Filter : RecordTransform
{
    /// <summary>A filter.</summary>
    /// <param name="condition">What a kept record satisfies.</param>
    public Filter(RecordCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Condition = condition;
    }

    /// <summary>What a kept record satisfies.</summary>
    public RecordCondition Condition { get; }

    /// <inheritdoc />
    public override RecordOutcome Apply(Record record, RecordContext context) =>
        Condition.Matches(record) ? RecordOutcome.Continue : RecordOutcome.Filtered;

    /// <inheritdoc />
    public override string ToString() => $"filter {Condition}";
}
