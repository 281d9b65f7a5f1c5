using System.Text.Json;
using System.Text.Json.Nodes;
using NgsiFlow.Engine.Records;
using NgsiFlow.Engine.Records.Transforms;

namespace NgsiFlow.Jobs.Internal;

/// <summary>The <c>transforms</c> section: one record transform per list item, each error at its field.</summary>
internal static partial class SpecBinder
{
    private static readonly string[] TransformKinds = ["rename", "remove", "flatten", "cast", "split", "add", "filter"];

    private static RecordPipeline? Transforms(SpecReader r, JsonNode? node, string at)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        var transforms = new List<RecordTransform>();
        for (var i = 0; i < array.Count; i++)
        {
            var here = YamlDocument.Child(at, i);
            var kinds = ((JsonObject)array[i]!).Select(p => p.Key).ToList();
            if (kinds.Count != 1)
            {
                r.Error(here, kinds.Count == 0 ? $"a transform names its kind: {string.Join(", ", TransformKinds)}" : $"one transform per list item; found {string.Join(" and ", kinds)}");
                continue;
            }

            var kind = kinds[0];
            var body = array[i]![kind];
            var inner = here + "/" + kind;
            try
            {
                if (Transform(r, kind, body, inner) is { } transform)
                {
                    transforms.Add(transform);
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                var message = e.Message;
                var parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
                r.Error(inner, parameter > 0 ? message[..parameter] : message);
            }
        }

        return new RecordPipeline(transforms);
    }

    private static RecordTransform? Transform(SpecReader r, string kind, JsonNode? body, string at)
    {
        switch (kind)
        {
            case "rename":
                return r.NonEmpty(body, at, "from") is { } from && r.NonEmpty(body, at, "to") is { } to ? new Rename(from, to) : null;
            case "remove":
                var fields = body is JsonArray list ? list.Select(f => f?.GetValue<string>() ?? string.Empty).ToList() : [];
                return fields.Count > 0 ? new Remove(fields) : null;
            case "flatten":
                return new Flatten(r.Text(body, at, "separator") ?? "_");
            case "cast":
                var type = r.Text(body, at, "to") switch
                {
                    "text" => FieldType.Text,
                    "integer" => FieldType.Integer,
                    "number" => FieldType.Number,
                    "boolean" => FieldType.Boolean,
                    _ => FieldType.Timestamp,
                };
                return r.NonEmpty(body, at, "field") is { } field ? new Cast(field, type, r.Text(body, at, "format"), r.Boolean(body, "required") ?? false) : null;
            case "split":
                return Split(r, body, at);
            case "add":
                var value = SpecReader.At(body, "value");
                return r.NonEmpty(body, at, "field") is { } added ? new AddField(added, ToRecordValue(value), r.Boolean(body, "overwrite") ?? true) : null;
            default:
                var condition = body is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : string.Empty;
                return new Filter(RecordCondition.Parse(condition));
        }
    }

    private static Split? Split(SpecReader r, JsonNode? body, string at)
    {
        if (r.NonEmpty(body, at, "field") is not { } field)
        {
            return null;
        }

        var pattern = r.Text(body, at, "pattern");
        var separator = r.Text(body, at, "separator");
        if ((pattern is null) == (separator is null))
        {
            r.Error(at, "a split has either a 'pattern' (with named groups) or a 'separator' (with 'into')");
            return null;
        }

        var keep = r.Boolean(body, "keep") ?? false;
        if (pattern is not null)
        {
            if (SpecReader.Has(body, "into"))
            {
                r.Error(at + "/into", "a pattern's named groups name the new fields; 'into' goes with a separator");
                return null;
            }

            return Engine.Records.Transforms.Split.ByPattern(field, pattern, keep);
        }

        var into = r.Texts(body, at, "into");
        if (into.Count == 0)
        {
            r.Error(at, "a split by separator lists the new fields in 'into'");
            return null;
        }

        return Engine.Records.Transforms.Split.BySeparator(field, separator!, into, keep);
    }

    private static object? ToRecordValue(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(node.ToJsonString());
        return json.RootElement.ValueKind == JsonValueKind.Object ? Record.FromJson(json.RootElement) : Record.Normalize(json.RootElement.Clone(), "value");
    }
}
