using System.Globalization;
using System.Text.Json;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>Writes the loosely typed values of the dashboard (entity attributes, metric tags) as JSON.</summary>
internal static class JsonValues
{
    /// <summary>Writes a number, or null for NaN and infinities, which JSON cannot carry.</summary>
    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    public static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        WriteNumber(writer, value);
    }

    public static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            writer.WriteString(name, t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Converts a value to something <see cref="Write"/> can render later without holding on to mutable objects.</summary>
    public static object? Freeze(object? value) => value switch
    {
        null or string or bool or double or JsonElement => value,
        float f => (double)f,
        decimal m => (double)m,
        byte or sbyte or short or ushort or int or uint or long or ulong => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateTime d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        JsonDocument doc => doc.RootElement.Clone(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>Writes a value made by <see cref="Freeze"/>.</summary>
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case double d:
                WriteNumber(writer, d);
                break;
            case JsonElement e:
                e.WriteTo(writer);
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
