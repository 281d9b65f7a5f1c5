namespace NgsiFlow.Engine.Records;

/// <summary>What a transform decided about a record.</summary>
public enum RecordOutcomeKind
{
    /// <summary>Go on with the next transform.</summary>
    Continue,

    /// <summary>Leave the pipeline for the named output.</summary>
    Route,

    /// <summary>Leave the pipeline on purpose (a filter said no); counted, not an error.</summary>
    Filtered,

    /// <summary>The record is invalid: it goes to the dead-letter output with the reason.</summary>
    Invalid,
}

/// <summary>A transform's decision: go on, route to an output, filter out, or reject with a reason.</summary>
/// <param name="Kind">The decision.</param>
/// <param name="Detail">The output's name for <see cref="RecordOutcomeKind.Route"/>, the reason for <see cref="RecordOutcomeKind.Invalid"/>.</param>
public readonly record struct RecordOutcome(RecordOutcomeKind Kind, string? Detail = null)
{
    /// <summary>Go on.</summary>
    public static RecordOutcome Continue => default;

    /// <summary>Filtered out.</summary>
    public static RecordOutcome Filtered => new(RecordOutcomeKind.Filtered);

    /// <summary>Routed to <paramref name="output"/>.</summary>
    /// <param name="output">The output's name.</param>
    public static RecordOutcome RouteTo(string output) => new(RecordOutcomeKind.Route, output);

    /// <summary>Rejected because of <paramref name="reason"/>.</summary>
    /// <param name="reason">What was wrong, naming the field.</param>
    public static RecordOutcome Invalid(string reason) => new(RecordOutcomeKind.Invalid, reason);
}
