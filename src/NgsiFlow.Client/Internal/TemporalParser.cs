using System.Buffers;
using System.Globalization;
using System.Text.Json;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Internal;

/// <summary>
/// Reads the NGSI-LD temporal representation: attributes as arrays of instances (normalized), or, with
/// <c>options=temporalValues</c>, as <c>{"type", "values": [[value, time], ...]}</c> (<c>objects</c> for relationships).
/// Normalized instances are read by the NGSI model's attribute parser.
/// </summary>
internal static class TemporalParser
{
    public static List<NgsiLdTemporalEntity> ParseList(byte[] body)
    {
        using var doc = JsonRead.Parse(body, "an array of temporal entities");
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new NgsiFormatException("$", "an array of temporal entities", doc.RootElement.ValueKind.ToString());
        }

        var list = new List<NgsiLdTemporalEntity>();
        var i = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            list.Add(ReadEntity(item, $"$[{i++}]"));
        }

        return list;
    }

    public static NgsiLdTemporalEntity ParseOne(byte[] body)
    {
        using var doc = JsonRead.Parse(body, "a temporal entity");
        return ReadEntity(doc.RootElement, "$");
    }

    private static NgsiLdTemporalEntity ReadEntity(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new NgsiFormatException(path, "a temporal entity object", e.ValueKind.ToString());
        }

        var id = JsonRead.String(e, "id", path) ?? throw new NgsiFormatException(path, "an entity with an \"id\" member (string)", "no \"id\"");
        var types = JsonRead.Strings(e, "type", path) ?? throw new NgsiFormatException(path, "an entity with a \"type\" member", "no \"type\"");
        var attributes = new List<NgsiLdTemporalAttribute>();
        foreach (var member in e.EnumerateObject())
        {
            if (member.Name is "id" or "type" or "@context" or "scope" or "createdAt" or "modifiedAt" or "deletedAt")
            {
                continue;
            }

            attributes.Add(ReadAttribute(member.Name, member.Value, $"{path}.{member.Name}"));
        }

        return new NgsiLdTemporalEntity(id, types, attributes);
    }

    private static NgsiLdTemporalAttribute ReadAttribute(string name, JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Object && (value.TryGetProperty("values", out _) || value.TryGetProperty("objects", out _)))
        {
            return ReadSimplified(name, value, path);
        }

        var instances = new List<NgsiLdAttribute>();
        if (value.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                instances.Add(ReadInstance(name, item, $"{path}[{i++}]"));
            }
        }
        else if (value.ValueKind == JsonValueKind.Object)
        {
            // A single instance may come unwrapped.
            instances.Add(ReadInstance(name, value, path));
        }
        else
        {
            throw new NgsiFormatException(path, "an array of attribute instances", value.ValueKind.ToString());
        }

        var kind = instances.Count > 0 ? KindName(instances[0]) : "Property";
        return new NgsiLdTemporalAttribute(name, kind, instances);
    }

    private static NgsiLdAttribute ReadInstance(string name, JsonElement instance, string path)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            throw new NgsiFormatException(path, "an attribute instance object", instance.ValueKind.ToString());
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(name);
            instance.WriteTo(writer);
            writer.WriteEndObject();
        }

        try
        {
            var parsed = NgsiLdParser.ParseAttributes(buffer.WrittenSpan, NgsiLdRepresentation.Normalized);
            return parsed[0];
        }
        catch (NgsiFormatException ex)
        {
            throw new NgsiFormatException(path, ex.Expected, ex.Found, ex);
        }
    }

    private static NgsiLdTemporalAttribute ReadSimplified(string name, JsonElement value, string path)
    {
        var kind = JsonRead.String(value, "type", path) ?? "Property";
        var relationship = value.TryGetProperty("objects", out var pairs);
        if (!relationship)
        {
            pairs = value.GetProperty("values");
        }

        if (pairs.ValueKind != JsonValueKind.Array)
        {
            throw new NgsiFormatException(path + (relationship ? ".objects" : ".values"), "an array of [value, time] pairs", pairs.ValueKind.ToString());
        }

        var instances = new List<NgsiLdAttribute>();
        var i = 0;
        foreach (var pair in pairs.EnumerateArray())
        {
            var p = $"{path}.{(relationship ? "objects" : "values")}[{i++}]";
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() < 2)
            {
                throw new NgsiFormatException(p, "a [value, time] pair", pair.ValueKind.ToString());
            }

            var at = pair[1].ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(pair[1].GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
                ? d
                : throw new NgsiFormatException(p + "[1]", "an ISO 8601 date-time", pair[1].GetRawText());
            if (relationship)
            {
                var target = pair[0].ValueKind == JsonValueKind.String ? pair[0].GetString()! : throw new NgsiFormatException(p + "[0]", "an entity id", pair[0].GetRawText());
                instances.Add(new NgsiLdRelationship(name, target) { ObservedAt = at });
            }
            else
            {
                instances.Add(new NgsiLdProperty(name, JsonRead.Value(pair[0])) { ObservedAt = at });
            }
        }

        return new NgsiLdTemporalAttribute(name, kind, instances);
    }

    private static string KindName(NgsiLdAttribute attribute) => attribute.Kind.ToString();
}
