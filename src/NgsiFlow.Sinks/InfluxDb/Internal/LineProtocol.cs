using System.Globalization;
using System.Text;

namespace NgsiFlow.Sinks.InfluxDb.Internal;

/// <summary>Writes points as InfluxDB 1.x line protocol, escaping each element by its own rules.</summary>
internal static class LineProtocol
{
    public static string PrecisionParameter(InfluxPrecision precision) => precision switch
    {
        InfluxPrecision.Microseconds => "u",
        InfluxPrecision.Milliseconds => "ms",
        InfluxPrecision.Seconds => "s",
        _ => "ns",
    };

    public static void Append(StringBuilder builder, InfluxPoint point, InfluxPrecision precision)
    {
        if (point.Fields.Count == 0)
        {
            throw new ArgumentException($"The InfluxDB point of measurement '{point.Measurement}' has no field; line protocol needs at least one.", nameof(point));
        }

        // Measurements escape commas and spaces; tag keys, tag values and field keys also escape equals signs.
        AppendEscaped(builder, point.Measurement, escapeEquals: false);
        foreach (var (key, value) in point.Tags)
        {
            builder.Append(',');
            AppendEscaped(builder, key, escapeEquals: true);
            builder.Append('=');
            AppendEscaped(builder, value, escapeEquals: true);
        }

        builder.Append(' ');
        var first = true;
        foreach (var (key, value) in point.Fields)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            AppendEscaped(builder, key, escapeEquals: true);
            builder.Append('=');
            AppendValue(builder, value);
        }

        if (point.TimestampNanoseconds is { } nanoseconds)
        {
            builder.Append(' ').Append((nanoseconds / Divisor(precision)).ToString(CultureInfo.InvariantCulture));
        }
    }

    private static long Divisor(InfluxPrecision precision) => precision switch
    {
        InfluxPrecision.Microseconds => 1_000,
        InfluxPrecision.Milliseconds => 1_000_000,
        InfluxPrecision.Seconds => 1_000_000_000,
        _ => 1,
    };

    private static void AppendValue(StringBuilder builder, InfluxFieldValue value)
    {
        switch (value.Kind)
        {
            case InfluxFieldKind.Float:
                builder.Append(value.AsFloat.ToString("R", CultureInfo.InvariantCulture));
                break;
            case InfluxFieldKind.Integer:
                builder.Append(value.AsInteger.ToString(CultureInfo.InvariantCulture)).Append('i');
                break;
            case InfluxFieldKind.Boolean:
                builder.Append(value.AsBoolean ? "true" : "false");
                break;
            default:
                builder.Append('"');
                foreach (var c in value.AsString)
                {
                    if (c is '"' or '\\')
                    {
                        builder.Append('\\');
                    }

                    builder.Append(c);
                }

                builder.Append('"');
                break;
        }
    }

    private static void AppendEscaped(StringBuilder builder, string text, bool escapeEquals)
    {
        foreach (var c in text)
        {
            if (c is ',' or ' ' || (escapeEquals && c == '='))
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }
    }
}
