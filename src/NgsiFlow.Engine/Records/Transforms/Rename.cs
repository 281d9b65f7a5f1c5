namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>Renames field <see cref="From"/> to <see cref="To"/>, in place; a record without it is left alone.</summary>
public sealed class Rename : RecordTransform
{
    /// <summary>A rename.</summary>
    /// <param name="from">The field's current name.</param>
    /// <param name="to">Its new name (replacing a field of that name).</param>
    public Rename(string from, string to)
    {
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(to);
        From = from;
        To = to;
    }

    /// <summary>The field's current name.</summary>
    public string From { get; }

    /// <summary>Its new name.</summary>
    public string To { get; }

    /// <inheritdoc />
    public override RecordOutcome Apply(Record record, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        var index = record.IndexOf(From);
        if (index >= 0 && From != To)
        {
            var value = record[From];
            record.Remove(From);
            record.Insert(index, To, value);
        }

        return RecordOutcome.Continue;
    }

    /// <inheritdoc />
    public override string ToString() => $"rename {From} -> {To}";
}
