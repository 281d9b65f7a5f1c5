using System.Buffers;
using System.Globalization;
using System.Text;

namespace NgsiFlow.Sinks.InfluxDb.Internal;

/// <summary>Writes points as InfluxDB 1.x line protocol in UTF-8, escaping each element by its own rules.</summary>
internal static class LineProtocol
{
    // Measurements escape commas and spaces; tag keys, tag values and field keys also escape equals signs;
    // string field values escape double quotes and backslashes (and may hold line breaks inside the quotes).
    private static readonly SearchValues<char> MeasurementSpecials = SearchValues.Create(", ");
    private static readonly SearchValues<char> KeySpecials = SearchValues.Create(", =");
    private static readonly SearchValues<char> StringSpecials = SearchValues.Create("\"\\");

    public static string PrecisionParameter(InfluxPrecision precision) => precision switch
    {
        InfluxPrecision.Microseconds => "u",
        InfluxPrecision.Milliseconds => "ms",
        InfluxPrecision.Seconds => "s",
        _ => "ns",
    };

    public static string ToLine(InfluxPoint point)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        Write(buffer, point, InfluxPrecision.Nanoseconds);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Write(IBufferWriter<byte> output, InfluxPoint point, InfluxPrecision precision)
    {
        if (point.Fields.Count == 0)
        {
            throw new ArgumentException($"The InfluxDB point of measurement '{point.Measurement}' has no field; line protocol needs at least one.", nameof(point));
        }

        WriteEscaped(output, point.Measurement, MeasurementSpecials);
        var tags = point.Tags;
        for (var i = 0; i < tags.Count; i++)
        {
            WriteByte(output, (byte)',');
            WriteEscaped(output, tags[i].Key, KeySpecials);
            WriteByte(output, (byte)'=');
            WriteEscaped(output, tags[i].Value, KeySpecials);
        }

        var fields = point.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            WriteByte(output, i == 0 ? (byte)' ' : (byte)',');
            WriteEscaped(output, fields[i].Key, KeySpecials);
            WriteByte(output, (byte)'=');
            WriteValue(output, fields[i].Value);
        }

        if (point.TimestampNanoseconds is { } nanoseconds)
        {
            WriteByte(output, (byte)' ');
            WriteFormattable(output, nanoseconds / Divisor(precision));
        }
    }

    private static long Divisor(InfluxPrecision precision) => precision switch
    {
        InfluxPrecision.Microseconds => 1_000,
        InfluxPrecision.Milliseconds => 1_000_000,
        InfluxPrecision.Seconds => 1_000_000_000,
        _ => 1,
    };

    private static void WriteValue(IBufferWriter<byte> output, InfluxFieldValue value)
    {
        switch (value.Kind)
        {
            case InfluxFieldKind.Float:
                WriteFormattable(output, value.AsFloat);
                break;
            case InfluxFieldKind.Integer:
                WriteFormattable(output, value.AsInteger);
                WriteByte(output, (byte)'i');
                break;
            case InfluxFieldKind.Boolean:
                output.Write(value.AsBoolean ? "true"u8 : "false"u8);
                break;
            default:
                WriteByte(output, (byte)'"');
                WriteEscaped(output, value.AsString, StringSpecials);
                WriteByte(output, (byte)'"');
                break;
        }
    }

    private static void WriteEscaped(IBufferWriter<byte> output, string text, SearchValues<char> specials)
    {
        var rest = text.AsSpan();
        int index;
        while ((index = rest.IndexOfAny(specials)) >= 0)
        {
            WriteUtf8(output, rest[..index]);
            WriteByte(output, (byte)'\\');
            WriteUtf8(output, rest.Slice(index, 1));
            rest = rest[(index + 1)..];
        }

        WriteUtf8(output, rest);
    }

    private static void WriteUtf8(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteFormattable<T>(IBufferWriter<byte> output, T value)
        where T : IUtf8SpanFormattable
    {
        var span = output.GetSpan(32);
        if (!value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"Could not format {value} for line protocol.");
        }

        output.Advance(written);
    }
}
