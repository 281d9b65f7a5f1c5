using System.Globalization;
using System.Text.Json;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Internal;

/// <summary>Typed reads from a <see cref="JsonElement"/>, failing with <see cref="NgsiFormatException"/> and a JSON path.</summary>
internal static class JsonRead
{
    public static string? String(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Wrong(path, name, "a string", value);
    }

    public static bool? Bool(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(path, name, "a boolean", value),
        };
    }

    public static double? Number(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Wrong(path, name, "a number", value);
    }

    public static DateTimeOffset? Date(JsonElement obj, string name, string path)
    {
        var text = String(obj, name, path);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw new NgsiFormatException($"{path}.{name}", "an ISO 8601 date-time", text);
    }

    public static IReadOnlyList<string>? Strings(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Wrong(path, name, "an array of strings", value);
        }

        var list = new List<string>(value.GetArrayLength());
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Wrong(path, $"{name}[{i}]", "a string", item));
            i++;
        }

        return list;
    }

    public static IReadOnlyDictionary<string, string>? StringMap(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Wrong(path, name, "an object of strings", value);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            map[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
        }

        return map;
    }

    public static JsonElement? Object(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw Wrong(path, name, "an object", value);
    }

    public static NgsiValue Value(JsonElement element) => NgsiValue.Parse(element.GetRawText());

    public static NgsiFormatException Wrong(string path, string name, string expected, JsonElement found) =>
        new($"{path}.{name}", expected, found.ValueKind switch
        {
            JsonValueKind.String => "the string \"" + found.GetString() + "\"",
            JsonValueKind.Number => "the number " + found.GetRawText(),
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        });

    public static JsonDocument Parse(byte[] body, string what)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new NgsiFormatException("$", what, "invalid JSON: " + ex.Message, ex);
        }
    }
}
