namespace NgsiFlow.Engine.Records;

/// <summary>
/// One step of a <see cref="RecordPipeline"/>: reshapes a record in place and says whether it goes on. Transforms are
/// immutable and thread-safe once built; one file per transform under <c>Transforms/</c>.
/// </summary>
public abstract class RecordTransform
{
    /// <summary>Applies the step to <paramref name="record"/> (changed in place).</summary>
    /// <param name="record">The record.</param>
    /// <param name="context">Where it came from.</param>
    public abstract RecordOutcome Apply(Record record, RecordContext context);

    /// <summary>The step as a job file writes it, for plans and errors.</summary>
    public abstract override string ToString();
}
