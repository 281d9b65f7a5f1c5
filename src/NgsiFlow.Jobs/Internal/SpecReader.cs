using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NgsiFlow.Jobs.Internal;

/// <summary>Typed reads of a schema-checked document; each bad value adds an error at its position and reads as null.</summary>
internal sealed partial class SpecReader(YamlDocument document)
{
    public YamlDocument Document { get; } = document;

    public List<JobFileError> Errors { get; } = [];

    public void Error(string pointer, string message)
    {
        var (line, column) = Document.ValueAt(pointer);
        Errors.Add(new JobFileError(Document.File, line, column, YamlDocument.FieldOf(pointer), message));
    }

    public static JsonNode? At(JsonNode? node, string name) => node is JsonObject obj && obj.TryGetPropertyValue(name, out var v) ? v : null;

    public static bool Has(JsonNode? node, string name) => node is JsonObject obj && obj.ContainsKey(name);

    public string? Text(JsonNode? parent, string pointer, string name)
    {
        var value = At(parent, name);
        return value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
    }

    /// <summary>A required non-empty text (the schema checked the type); an empty one is an error.</summary>
    public string? NonEmpty(JsonNode? parent, string pointer, string name)
    {
        var text = Text(parent, pointer, name);
        if (text is not null && string.IsNullOrWhiteSpace(text))
        {
            Error(YamlDocument.Child(pointer, name), "must not be empty");
            return null;
        }

        return text;
    }

    public double? Number(JsonNode? parent, string name) =>
        At(parent, name) is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? AsDouble(v) : null;

    public bool? Boolean(JsonNode? parent, string name) =>
        At(parent, name) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public IReadOnlyList<string> Texts(JsonNode? parent, string pointer, string name)
    {
        if (At(parent, name) is not JsonArray array)
        {
            return [];
        }

        var list = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            var text = array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            if (string.IsNullOrWhiteSpace(text))
            {
                Error(YamlDocument.Child(YamlDocument.Child(pointer, name), i), "must be a non-empty name");
                continue;
            }

            if (list.Contains(text, StringComparer.Ordinal))
            {
                Error(YamlDocument.Child(YamlDocument.Child(pointer, name), i), $"'{text}' is listed twice");
                continue;
            }

            list.Add(text);
        }

        return list;
    }

    /// <summary>An absolute http(s) (or given scheme) URL.</summary>
    public Uri? Url(JsonNode? parent, string pointer, string name, params string[] schemes)
    {
        var text = Text(parent, pointer, name);
        if (text is null)
        {
            return null;
        }

        var allowed = schemes.Length == 0 ? ["http", "https"] : schemes;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !allowed.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase) || uri.Host.Length == 0)
        {
            Error(YamlDocument.Child(pointer, name), $"'{text}' is not an absolute {string.Join(" or ", allowed)} URL");
            return null;
        }

        return uri;
    }

    /// <summary>A duration: seconds as a number, or text such as <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>.</summary>
    public TimeSpan? Duration(JsonNode? parent, string pointer, string name, bool allowZero = true)
    {
        var node = At(parent, name);
        if (node is null)
        {
            return null;
        }

        var child = YamlDocument.Child(pointer, name);
        TimeSpan? result = null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            var seconds = AsDouble(v);
            result = seconds is >= 0 and <= 31_536_000 ? TimeSpan.FromSeconds(seconds) : null;
        }
        else if (node is JsonValue t && t.GetValueKind() == JsonValueKind.String && DurationPattern().Match(t.GetValue<string>().Trim()) is { Success: true } m)
        {
            var amount = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var span = m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" or "" => TimeSpan.FromSeconds(amount),
                "m" or "min" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            result = span <= TimeSpan.FromDays(365) ? span : null;
        }

        if (result is null)
        {
            Error(child, $"{SchemaCheck.Show(node)} is not a duration: use seconds (10) or text such as 500ms, 10s, 5m, 1h (at most a year)");
            return null;
        }

        if (!allowZero && result.Value <= TimeSpan.Zero)
        {
            Error(child, "must be longer than zero");
            return null;
        }

        return result;
    }

    /// <summary>A number node as a double, whether it was read as a whole number or not.</summary>
    private static double AsDouble(JsonValue v) => v.TryGetValue<long>(out var whole) ? whole : v.TryGetValue<int>(out var i) ? i : v.GetValue<double>();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|min|m|h|d|)$")]
    private static partial Regex DurationPattern();
}
