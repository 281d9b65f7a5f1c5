using System.Text;
using System.Text.Json;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Store;

/// <summary>The JSON document an entity is persisted as: attributes with types, metadata and dates.</summary>
internal static class EntityDocument
{
    public static string Serialize(Entity entity)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, BrokerCore.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("created", Dates.Format(entity.Created));
            writer.WriteString("modified", Dates.Format(entity.Modified));
            writer.WriteStartArray("attrs");
            foreach (var attribute in entity.Attributes.Values)
            {
                writer.WriteStartObject();
                writer.WriteString("name", attribute.Name);
                writer.WriteString("type", attribute.Type);
                writer.WritePropertyName("value");
                JsonValues.Write(writer, attribute.Value);
                writer.WriteString("created", Dates.Format(attribute.Created));
                writer.WriteString("modified", Dates.Format(attribute.Modified));
                if (attribute.Metadata is { Count: > 0 })
                {
                    writer.WriteStartObject("md");
                    foreach (var pair in attribute.Metadata)
                    {
                        writer.WriteStartObject(pair.Key);
                        writer.WriteString("type", pair.Value.Type);
                        writer.WritePropertyName("value");
                        JsonValues.Write(writer, pair.Value.Value);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Entity Deserialize(string id, string type, string servicePath, long sequence, long version, string json)
    {
        var doc = (JsonMap)JsonValues.Parse(Encoding.UTF8.GetBytes(json))!;
        var entity = new Entity(id, type, servicePath) { Sequence = sequence, Version = version };
        entity.Created = DateOf(doc, "created");
        entity.Modified = DateOf(doc, "modified");
        if (doc.TryGet("attrs", out var attrs) && attrs is List<object?> list)
        {
            foreach (var item in list.OfType<JsonMap>())
            {
                item.TryGet("name", out var name);
                item.TryGet("type", out var attributeType);
                item.TryGet("value", out var value);
                OrderedDictionary<string, NgsiMetadata>? metadata = null;
                if (item.TryGet("md", out var md) && md is JsonMap mdMap)
                {
                    metadata = new OrderedDictionary<string, NgsiMetadata>(StringComparer.Ordinal);
                    foreach (var pair in mdMap)
                    {
                        var element = (JsonMap)pair.Value!;
                        element.TryGet("type", out var mdType);
                        element.TryGet("value", out var mdValue);
                        metadata[pair.Key] = new NgsiMetadata((string)mdType!, mdValue);
                    }
                }

                entity.Attributes[(string)name!] = new NgsiAttribute((string)name!, (string)attributeType!, value, metadata)
                {
                    Created = DateOf(item, "created"),
                    Modified = DateOf(item, "modified"),
                };
            }
        }

        return entity;
    }

    private static DateTime DateOf(JsonMap map, string name) =>
        map.TryGet(name, out var value) && Dates.TryParse(value as string, out var date) ? date : Dates.Now();
}
