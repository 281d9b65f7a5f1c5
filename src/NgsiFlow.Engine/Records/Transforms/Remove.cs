namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>Removes fields by name.</summary>
public sealed class Remove : RecordTransform
{
    /// <summary>A removal.</summary>
    /// <param name="fields">The fields to remove; absent ones are ignored.</param>
    public Remove(params IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = [.. fields];
        if (Fields.Count == 0 || Fields.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("remove needs one or more field names", nameof(fields));
        }
    }

    /// <summary>The fields removed.</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <inheritdoc />
    public override RecordOutcome Apply(Record record, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        foreach (var field in Fields)
        {
            record.Remove(field);
        }

        return RecordOutcome.Continue;
    }

    /// <inheritdoc />
    public override string ToString() => $"remove {string.Join(", ", Fields)}";
}
