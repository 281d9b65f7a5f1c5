using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs.Internal;

/// <summary>
/// The <c>${name}</c> placeholders of write-back templates and upsert ids: <c>id</c>, <c>type</c>, <c>key</c>, an
/// output attribute, or an attribute of the notified entity. A string that is one placeholder takes the value itself
/// (a number stays a number); inside longer text the value is written as text.
/// </summary>
internal static partial class Templates
{
    public static string Fill(string text, NgsiEvent e, string key, IReadOnlyList<NgsiV2Attribute> outputs) =>
        Placeholder().Replace(text, m => Lookup(m.Groups[1].Value, e, key, outputs) is { } v ? (v.TryGetString(out var s) ? s : v.ToJson()) : string.Empty);

    public static NgsiV2Entity? Render(JsonObject template, NgsiEvent e, string key, IReadOnlyList<NgsiV2Attribute> outputs)
    {
        var rendered = Render((JsonNode)template, e, key, outputs);
        try
        {
            return NgsiV2Parser.ParseEntity(Encoding.UTF8.GetBytes(rendered!.ToJsonString()));
        }
        catch (Exception ex) when (ex is NgsiFormatException or JsonException or FormatException)
        {
            return null;
        }
    }

    private static JsonNode? Render(JsonNode? node, NgsiEvent e, string key, IReadOnlyList<NgsiV2Attribute> outputs)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    copy[name] = Render(value, e, key, outputs);
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(v => Render(v, e, key, outputs))]);
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>();
                var whole = Placeholder().Match(text);
                if (whole.Success && whole.Length == text.Length)
                {
                    return Lookup(whole.Groups[1].Value, e, key, outputs) is { } value ? JsonNode.Parse(value.ToJson()) : null;
                }

                return JsonValue.Create(Fill(text, e, key, outputs));
            default:
                return node?.DeepClone();
        }
    }

    private static NgsiValue? Lookup(string name, NgsiEvent e, string key, IReadOnlyList<NgsiV2Attribute> outputs)
    {
        switch (name)
        {
            case "id":
                return NgsiValue.FromString(e.EntityId);
            case "type":
                return NgsiValue.FromString(e.EntityType);
            case "key":
                return NgsiValue.FromString(key);
        }

        foreach (var o in outputs)
        {
            if (o.Name == name)
            {
                return o.Value;
            }
        }

        return e.Entity.TryGetValue(name, out var v) ? v : null;
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9_:.\-]+)\}")]
    private static partial Regex Placeholder();
}
