namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>
/// Sends each record to the output of the first case whose condition it satisfies, or to <see cref="Otherwise"/>;
/// with no otherwise, an unmatched record goes on to the next transform (and the pipeline's default output).
/// </summary>
public sealed class Route : RecordTransform
{
    /// <summary>A routing.</summary>
    /// <param name="cases">Conditions and their outputs, tried in order.</param>
    /// <param name="otherwise">The output for records no case matches; null to go on.</param>
    public Route(IEnumerable<(RecordCondition When, string To)> cases, string? otherwise = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        Cases = [.. cases];
        if (Cases.Count == 0 && otherwise is null)
        {
            throw new ArgumentException("route needs at least one case or an 'otherwise' output", nameof(cases));
        }

        if (Cases.Any(c => string.IsNullOrEmpty(c.To)) || otherwise is "")
        {
            throw new ArgumentException("route: an output name cannot be empty", nameof(cases));
        }

        Otherwise = otherwise;
    }

    /// <summary>Conditions and their outputs.</summary>
    public IReadOnlyList<(RecordCondition When, string To)> Cases { get; }

    /// <summary>The output of unmatched records, if any.</summary>
    public string? Otherwise { get; }

    /// <inheritdoc />
    public override RecordOutcome Apply(Record record, RecordContext context)
    {
        foreach (var (when, to) in Cases)
        {
            if (when.Matches(record))
            {
                return RecordOutcome.RouteTo(to);
            }
        }

        return Otherwise is null ? RecordOutcome.Continue : RecordOutcome.RouteTo(Otherwise);
    }

    /// <inheritdoc />
    public override string ToString() =>
        "route " + string.Join("; ", Cases.Select(c => $"{c.When} -> {c.To}")) + (Otherwise is null ? string.Empty : $"; otherwise -> {Otherwise}");
}
