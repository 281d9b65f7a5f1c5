namespace NgsiFlow.Engine.Records;

/// <summary>
/// Transforms applied in order to each record, ending in a named output: the first route that matches, the
/// default output, <see cref="FilteredOutput"/> for records a filter left out, or <see cref="DeadLetterOutput"/> with
/// the reason (and the record as received) for invalid ones. No record leaves without an output. Thread-safe.
/// </summary>
public sealed class RecordPipeline
{
    /// <summary>The output of records no route claimed.</summary>
    public const string DefaultOutput = "default";

    /// <summary>The output of invalid records.</summary>
    public const string DeadLetterOutput = "deadLetter";

    /// <summary>The output of records a filter left out.</summary>
    public const string FilteredOutput = "filtered";

    /// <summary>A pipeline of <paramref name="transforms"/>.</summary>
    /// <param name="transforms">The steps, in order (none: every record goes to the default output unchanged).</param>
    public RecordPipeline(params IEnumerable<RecordTransform> transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        Transforms = [.. transforms];
        if (Transforms.Any(t => t is null))
        {
            throw new ArgumentException("a pipeline's transforms cannot be null", nameof(transforms));
        }
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<RecordTransform> Transforms { get; }

    /// <summary>The outputs that routes name, besides the default, filtered and dead-letter ones.</summary>
    public IEnumerable<string> RouteOutputs => Transforms.OfType<Transforms.Route>()
        .SelectMany(r => r.Cases.Select(c => c.To).Append(r.Otherwise ?? DefaultOutput))
        .Where(o => o != DefaultOutput)
        .Distinct(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="record"/> through the pipeline.</summary>
    /// <param name="record">The record; transformed in place unless it proves invalid (then a copy was transformed).</param>
    /// <param name="context">Where it came from.</param>
    public RecordResult Process(Record record, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(context);
        if (Transforms.Count == 0)
        {
            return new RecordResult(DefaultOutput, record);
        }

        var working = record.Clone();
        for (var i = 0; i < Transforms.Count; i++)
        {
            RecordOutcome outcome;
            try
            {
                outcome = Transforms[i].Apply(working, context);
            }
            catch (ArgumentException e)
            {
                outcome = RecordOutcome.Invalid(e.Message);
            }

            switch (outcome.Kind)
            {
                case RecordOutcomeKind.Route:
                    return new RecordResult(outcome.Detail!, working);
                case RecordOutcomeKind.Filtered:
                    return new RecordResult(FilteredOutput, working);
                case RecordOutcomeKind.Invalid:
                    return new RecordResult(DeadLetterOutput, record, $"step {i + 1} ({Transforms[i]}): {outcome.Detail}");
            }
        }

        return new RecordResult(DefaultOutput, working);
    }
}
