using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NgsiFlow.Broker.Internal.Json;

/// <summary>
/// Reads and writes the broker's JSON value tree: null, bool, double, string, <see cref="List{T}"/> of values and
/// <see cref="JsonMap"/>. A tiny tree instead of JsonNode keeps allocations low and member order stable.
/// </summary>
internal static class JsonValues
{
    private const int MaxDepth = 64;

    /// <summary>Parses one complete JSON document; throws Orion's ParseError when it is not valid JSON.</summary>
    public static object? Parse(ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw OrionException.Parse(string.Create(CultureInfo.InvariantCulture, $"invalid UTF-8 at byte {FirstInvalidUtf8(utf8)}"));
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read())
            {
                throw OrionException.Parse();
            }

            var value = ReadValue(ref reader);
            if (reader.Read())
            {
                throw OrionException.Parse();
            }

            return value;
        }
        catch (JsonException)
        {
            // Orion's own answer to malformed JSON, word for word: clients match on it.
            throw OrionException.Parse();
        }
        catch (FormatException)
        {
            // GetDouble on a number no double holds (1e400).
            throw OrionException.Parse(string.Create(CultureInfo.InvariantCulture, $"a number out of range at byte {reader.TokenStartIndex}"));
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length && Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    /// <summary>Reads the value the reader is positioned on (the reader must have been advanced onto it).</summary>
    public static object? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Number:
                // 1e400 reads as infinity, which no JSON answer can hold: refuse it here.
                var number = reader.GetDouble();
                return double.IsFinite(number) ? number : throw OrionException.Parse(string.Create(CultureInfo.InvariantCulture, $"a number out of range at byte {reader.TokenStartIndex}"));
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(ReadValue(ref reader));
                }

                return list;
            case JsonTokenType.StartObject:
                var map = new JsonMap();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    if (map.TryGet(name, out _))
                    {
                        // Orion refuses a JSON object that names a key twice; taking either value would lose data silently.
                        throw OrionException.Parse(string.Create(CultureInfo.InvariantCulture, $"duplicate key '{name}' at byte {reader.TokenStartIndex}"));
                    }

                    reader.Read();
                    map.Set(name, ReadValue(ref reader));
                }

                return map;
            default:
                throw OrionException.Parse();
        }
    }

    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case double d:
                WriteNumber(writer, d);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case JsonMap map:
                writer.WriteStartObject();
                foreach (var pair in map)
                {
                    writer.WritePropertyName(pair.Key);
                    Write(writer, pair.Value);
                }

                writer.WriteEndObject();
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"Unexpected JSON value type {value.GetType()}.");
        }
    }

    public static void WriteNumber(Utf8JsonWriter writer, double d)
    {
        if (double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e15)
        {
            writer.WriteNumberValue((long)d);
        }
        else
        {
            writer.WriteNumberValue(d);
        }
    }

    /// <summary>The compact JSON text of a value.</summary>
    public static string ToJson(object? value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>How a value appears in a template or a text/plain answer: strings bare, others as JSON.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatNumber(d),
        _ => ToJson(value),
    };

    public static string FormatNumber(double d) =>
        double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e15
            ? ((long)d).ToString(CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture);

    public static bool DeepEquals(object? a, object? b)
    {
        switch (a)
        {
            case null:
                return b is null;
            case bool x:
                return b is bool yb && x == yb;
            case double x:
                return b is double yd && x.Equals(yd);
            case string x:
                return b is string ys && string.Equals(x, ys, StringComparison.Ordinal);
            case List<object?> x:
                if (b is not List<object?> yl || x.Count != yl.Count)
                {
                    return false;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (!DeepEquals(x[i], yl[i]))
                    {
                        return false;
                    }
                }

                return true;
            case JsonMap x:
                if (b is not JsonMap ym || x.Count != ym.Count)
                {
                    return false;
                }

                foreach (var pair in x)
                {
                    if (!ym.TryGet(pair.Key, out var other) || !DeepEquals(pair.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>A deep copy, so that a stored value never aliases a request's value.</summary>
    public static object? Clone(object? value) => value switch
    {
        JsonMap map => CloneMap(map),
        List<object?> list => list.Select(Clone).ToList(),
        _ => value,
    };

    private static JsonMap CloneMap(JsonMap map)
    {
        var copy = new JsonMap(map.Count);
        foreach (var pair in map)
        {
            copy.Add(new(pair.Key, Clone(pair.Value)));
        }

        return copy;
    }
}
