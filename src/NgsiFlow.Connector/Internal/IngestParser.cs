using System.Globalization;
using System.Text;
using System.Text.Json;
using NgsiFlow.Engine.Records;

namespace NgsiFlow.Connector.Internal;

/// <summary>
/// Reads an ingest body, a JSON object, an array of objects or JSON lines (one object per line), into records, and
/// refuses what a gateway may mangle: invalid UTF-8, duplicate keys, nesting deeper than <see cref="MaxDepth"/>,
/// numbers out of range. Errors name the record and the JSON path, and for JSON lines the line.
/// </summary>
internal static class IngestParser
{
    /// <summary>The deepest nesting accepted, counting the record itself.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowMultipleValues = true,
        MaxDepth = MaxDepth + 2,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    public static bool TryParse(ReadOnlySpan<byte> body, out List<Record> records, out string? error)
    {
        records = [];
        error = null;
        var reader = new Utf8JsonReader(body, ReaderOptions);
        var values = 0;
        try
        {
            while (reader.Read())
            {
                values++;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        records.Add(ReadObject(ref reader, "$", 1));
                        break;
                    case JsonTokenType.StartArray when values == 1:
                        var index = 0;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType != JsonTokenType.StartObject)
                            {
                                throw new IngestFormatException($"$[{index}]", $"expected a JSON object (a record), found {Describe(reader.TokenType)}");
                            }

                            records.Add(ReadObject(ref reader, $"$[{index}]", 1));
                            index++;
                        }

                        break;
                    default:
                        throw new IngestFormatException("$", $"expected a JSON object, an array of objects or JSON lines of objects, found {Describe(reader.TokenType)}");
                }

                if (values == 1 && reader.TokenType == JsonTokenType.EndArray && HasMore(body, (int)reader.BytesConsumed))
                {
                    throw new IngestFormatException("$", "an array of records is the whole body; found more after its ']'");
                }
            }

            if (values == 0)
            {
                error = "empty body: send a JSON object, an array of objects or JSON lines";
                return false;
            }

            return true;
        }
        catch (IngestFormatException e)
        {
            error = Where(body, values, reader.TokenStartIndex, e.Path) + e.Message;
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            error = $"{(values > 1 ? $"record {values}: " : string.Empty)}not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {(cut > 0 ? message[..cut] : message).TrimEnd('.', ' ')}";
            if (reader.CurrentDepth > MaxDepth)
            {
                error = $"nested deeper than {MaxDepth} levels";
            }
        }

        records = [];
        return false;
    }

    private static bool HasMore(ReadOnlySpan<byte> body, int from)
    {
        foreach (var b in body[from..])
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return true;
            }
        }

        return false;
    }

    private static string Where(ReadOnlySpan<byte> body, int values, long offset, string path)
    {
        if (values <= 1)
        {
            return path + ": ";
        }

        var line = 1;
        foreach (var b in body[..(int)Math.Min(offset, body.Length)])
        {
            if (b == (byte)'\n')
            {
                line++;
            }
        }

        return $"line {line.ToString(CultureInfo.InvariantCulture)} (record {values.ToString(CultureInfo.InvariantCulture)}): {path}: ";
    }

    private static Record ReadObject(ref Utf8JsonReader reader, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new IngestFormatException(path, $"nested deeper than {MaxDepth} levels");
        }

        var record = new Record();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = ReadString(ref reader, path);
            var child = path + (IsPlainName(name) ? "." + name : "['" + name + "']");
            if (name.Length == 0)
            {
                throw new IngestFormatException(child, "a field name cannot be empty");
            }

            if (record.Contains(name))
            {
                throw new IngestFormatException(child, $"duplicate key '{name}'");
            }

            reader.Read();
            record[name] = ReadValue(ref reader, child, depth);
        }

        return record;
    }

    private static object? ReadValue(ref Utf8JsonReader reader, string path, int depth)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return ReadString(ref reader, path);
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var integer))
                {
                    return integer;
                }

                if (reader.TryGetDouble(out var number) && double.IsFinite(number))
                {
                    return number;
                }

                throw new IngestFormatException(path, $"the number {Encoding.UTF8.GetString(reader.ValueSpan)} is out of range");
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, path, depth + 1);
            case JsonTokenType.StartArray:
                if (depth + 1 > MaxDepth)
                {
                    throw new IngestFormatException(path, $"nested deeper than {MaxDepth} levels");
                }

                var items = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, $"{path}[{items.Count}]", depth + 1));
                }

                return items.ToArray();
            default:
                throw new IngestFormatException(path, $"unexpected {Describe(reader.TokenType)}");
        }
    }

    private static string ReadString(ref Utf8JsonReader reader, string path)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new IngestFormatException(path, "the text is not valid UTF-8");
        }
    }

    private static bool IsPlainName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "text",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private sealed class IngestFormatException(string path, string message) : Exception(message)
    {
        public string Path { get; } = path;
    }
}
