using System.Globalization;

namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>
/// Converts a field to a type: <c>"23.97"</c> to 23.97, <c>"true"</c> to true, <c>"2026-12-04 10:00:00"</c> to a time
/// with <see cref="Format"/>. A value that does not convert sends the record to the dead-letter output, naming the
/// field, the value and the type; an absent or null field is left alone unless <see cref="Required"/>.
/// </summary>
public sealed class Cast : RecordTransform
{
    /// <summary>A conversion.</summary>
    /// <param name="field">The field.</param>
    /// <param name="to">The type to convert to.</param>
    /// <param name="format">For timestamps: a .NET date format (<c>yyyy-MM-dd HH:mm:ss</c>), <c>unix</c> or <c>unixMs</c>; ISO 8601 when null. Times without an offset are UTC.</param>
    /// <param name="required">Whether a record without the field is invalid.</param>
    public Cast(string field, FieldType to, string? format = null, bool required = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (format is not null && to is not FieldType.Timestamp)
        {
            throw new ArgumentException($"cast of '{field}': a format applies to timestamps only", nameof(format));
        }

        Field = field;
        To = to;
        Format = format;
        Required = required;
    }

    /// <summary>The field converted.</summary>
    public string Field { get; }

    /// <summary>The type it is converted to.</summary>
    public FieldType To { get; }

    /// <summary>The timestamp format, when given.</summary>
    public string? Format { get; }

    /// <summary>Whether a record without the field is invalid.</summary>
    public bool Required { get; }

    /// <inheritdoc />
    public override RecordOutcome Apply(Record record, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!record.TryGetValue(Field, out var value) || value is null)
        {
            return Required ? RecordOutcome.Invalid($"field '{Field}': missing, and it is required") : RecordOutcome.Continue;
        }

        if (TryConvert(value, out var converted))
        {
            record[Field] = converted;
            return RecordOutcome.Continue;
        }

        var shown = value switch
        {
            string s => $"'{(s.Length > 60 ? s[..60] + "..." : s)}'",
            Record => "an object",
            IReadOnlyList<object?> => "a list",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
        return RecordOutcome.Invalid($"field '{Field}': {shown} is not {Describe()}");
    }

    /// <inheritdoc />
    public override string ToString() => $"cast {Field} to {To.ToString().ToLowerInvariant()}" + (Format is null ? string.Empty : $" ({Format})");

    private string Describe() => To switch
    {
        FieldType.Integer => "a whole number",
        FieldType.Number => "a number",
        FieldType.Boolean => "a boolean (true/false, yes/no, on/off, 1/0)",
        FieldType.Timestamp => Format is null ? "an ISO 8601 time" : $"a time in the format '{Format}'",
        _ => "text",
    };

    private bool TryConvert(object value, out object? converted)
    {
        converted = null;
        switch (To)
        {
            case FieldType.Text:
                converted = value switch
                {
                    string s => s,
                    bool b => b ? "true" : "false",
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
                    Record r => r.ToJson(),
                    _ => null,
                };
                return converted is not null;
            case FieldType.Integer:
                switch (value)
                {
                    case long:
                        converted = value;
                        return true;
                    case double d when double.IsInteger(d) && Math.Abs(d) < 9.2e18:
                        converted = (long)d;
                        return true;
                    case bool b:
                        converted = b ? 1L : 0L;
                        return true;
                    case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                        converted = l;
                        return true;
                    default:
                        return false;
                }

            case FieldType.Number:
                switch (value)
                {
                    case long l:
                        converted = (double)l;
                        return true;
                    case double:
                        converted = value;
                        return true;
                    case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                        converted = d;
                        return true;
                    default:
                        return false;
                }

            case FieldType.Boolean:
                switch (value)
                {
                    case bool:
                        converted = value;
                        return true;
                    case long l when l is 0 or 1:
                        converted = l == 1;
                        return true;
                    case string s:
                        converted = s.Trim().ToLowerInvariant() switch
                        {
                            "true" or "yes" or "on" or "1" => true,
                            "false" or "no" or "off" or "0" => false,
                            _ => null,
                        };
                        return converted is not null;
                    default:
                        return false;
                }

            case FieldType.Timestamp:
                converted = ToTime(value);
                return converted is not null;
            default:
                return false;
        }
    }

    private DateTimeOffset? ToTime(object value)
    {
        const DateTimeStyles Styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces;
        try
        {
            return (Format, value) switch
            {
                (_, DateTimeOffset t) => t,
                ("unix", long l) => DateTimeOffset.FromUnixTimeSeconds(l),
                ("unix", double d) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(d * 1000)),
                ("unix", string s) when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(d * 1000)),
                ("unixMs", long l) => DateTimeOffset.FromUnixTimeMilliseconds(l),
                ("unixMs", string s) when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => DateTimeOffset.FromUnixTimeMilliseconds(l),
                (null, string s) when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, Styles, out var t) => t,
                ({ } format, string s) when format is not ("unix" or "unixMs") && DateTimeOffset.TryParseExact(s, format, CultureInfo.InvariantCulture, Styles, out var t) => t,
                _ => null,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
