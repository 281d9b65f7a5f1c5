namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>
/// Adds (or overwrites) a field: a constant, or where the record came from, written <c>${route}</c> or
/// <c>${ingestTime}</c> (the receiving time, as a timestamp).
/// </summary>
public sealed class AddField : RecordTransform
{
    /// <summary>The placeholder for the ingest route.</summary>
    public const string RouteValue = "${route}";

    /// <summary>The placeholder for the receiving time.</summary>
    public const string IngestTimeValue = "${ingestTime}";

    /// <summary>An added field.</summary>
    /// <param name="field">Its name.</param>
    /// <param name="value">A constant, <see cref="RouteValue"/> or <see cref="IngestTimeValue"/>.</param>
    /// <param name="overwrite">Whether an existing field of that name is replaced (kept otherwise).</param>
    public AddField(string field, object? value, bool overwrite = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        Field = field;
        Value = Record.Normalize(value, field);
        Overwrite = overwrite;
    }

    /// <summary>The field's name.</summary>
    public string Field { get; }

    /// <summary>Its value or placeholder.</summary>
    public object? Value { get; }

    /// <summary>Whether an existing field is replaced.</summary>
    public bool Overwrite { get; }

    /// <inheritdoc />
    public override RecordOutcome Apply(Record record, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(context);
        if (Overwrite || !record.Contains(Field))
        {
            record[Field] = Value switch
            {
                RouteValue => context.Route,
                IngestTimeValue => context.ReceivedAt,
                Record r => r.Clone(),
                _ => Value,
            };
        }

        return RecordOutcome.Continue;
    }

    /// <inheritdoc />
    public override string ToString() => $"add {Field} = {Value switch { string s => s, null => "null", _ => Record.Normalize(Value, Field)?.ToString() }}";
}
