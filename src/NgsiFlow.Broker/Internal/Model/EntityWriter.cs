using System.Text.Json;
using NgsiFlow.Broker.Internal.Json;

namespace NgsiFlow.Broker.Internal.Model;

/// <summary>Writes entities and attributes in Orion's representations. Callers hold the entity's lock.</summary>
internal static class EntityWriter
{
    public static bool IsBuiltinAttribute(string name) => name is "dateCreated" or "dateModified";

    public static bool IsBuiltinMetadata(string name) => name is "dateCreated" or "dateModified" or "previousValue" or "actionType";

    /// <summary>Writes one entity. For values/unique the entity is an array of attribute values.</summary>
    public static void WriteEntity(Utf8JsonWriter writer, Entity entity, RenderSpec spec, NotificationContext? context = null, HashSet<string>? onlyThese = null, bool includeIdType = true)
    {
        if (spec.Format is RenderFormat.Values or RenderFormat.Unique)
        {
            writer.WriteStartArray();
            var seen = spec.Format == RenderFormat.Unique ? new List<object?>() : null;
            foreach (var (name, type, value, attribute) in Selected(entity, spec, onlyThese))
            {
                _ = type;
                _ = attribute;
                if (seen is not null)
                {
                    if (seen.Exists(v => JsonValues.DeepEquals(v, value)))
                    {
                        continue;
                    }

                    seen.Add(value);
                }

                _ = name;
                JsonValues.Write(writer, value);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        if (includeIdType)
        {
            writer.WriteString("id", entity.Id);
            writer.WriteString("type", entity.Type);
        }

        foreach (var (name, type, value, attribute) in Selected(entity, spec, onlyThese))
        {
            writer.WritePropertyName(name);
            if (spec.Format == RenderFormat.KeyValues)
            {
                JsonValues.Write(writer, value);
            }
            else
            {
                WriteNormalizedAttribute(writer, type, value, attribute, spec.Metadata, context);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>One attribute as <c>{"type":..,"value":..,"metadata":{..}}</c>.</summary>
    public static void WriteNormalizedAttribute(Utf8JsonWriter writer, string type, object? value, NgsiAttribute? attribute, IReadOnlyList<string>? metadataFilter, NotificationContext? context)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WritePropertyName("value");
        JsonValues.Write(writer, value);
        writer.WriteStartObject("metadata");
        if (attribute is not null)
        {
            WriteMetadata(writer, attribute, metadataFilter, context);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter writer, NgsiAttribute attribute, IReadOnlyList<string>? filter, NotificationContext? context)
    {
        if (attribute.Metadata is not null && !RenderSpec.OnlyBuiltins(filter, IsBuiltinMetadata))
        {
            foreach (var pair in attribute.Metadata)
            {
                if (!RenderSpec.Includes(filter, pair.Key))
                {
                    continue;
                }

                writer.WriteStartObject(pair.Key);
                writer.WriteString("type", pair.Value.Type);
                writer.WritePropertyName("value");
                JsonValues.Write(writer, pair.Value.Value);
                writer.WriteEndObject();
            }
        }

        if (RenderSpec.Names(filter, "dateCreated"))
        {
            WriteDateMetadata(writer, "dateCreated", attribute.Created);
        }

        if (RenderSpec.Names(filter, "dateModified"))
        {
            WriteDateMetadata(writer, "dateModified", attribute.Modified);
        }

        if (context is null)
        {
            return;
        }

        if (RenderSpec.Names(filter, "previousValue") && context.TouchedAttributes.Contains(attribute.Name))
        {
            writer.WriteStartObject("previousValue");
            if (context.Previous.TryGetValue(attribute.Name, out var previous))
            {
                writer.WriteString("type", previous.Type);
                writer.WritePropertyName("value");
                JsonValues.Write(writer, previous.Value);
            }
            else
            {
                writer.WriteString("type", "None");
                writer.WriteNull("value");
            }

            writer.WriteEndObject();
        }

        if (RenderSpec.Names(filter, "actionType") && context.TouchedAttributes.Contains(attribute.Name))
        {
            writer.WriteStartObject("actionType");
            writer.WriteString("type", "Text");
            writer.WriteString("value", context.ActionType);
            writer.WriteEndObject();
        }
    }

    private static void WriteDateMetadata(Utf8JsonWriter writer, string name, DateTime date)
    {
        writer.WriteStartObject(name);
        writer.WriteString("type", "DateTime");
        writer.WriteString("value", Dates.Format(date));
        writer.WriteEndObject();
    }

    /// <summary>The attributes to render, in order: the attrs filter's order when it names them, else the entity's.</summary>
    public static IEnumerable<(string Name, string Type, object? Value, NgsiAttribute? Attribute)> Selected(Entity entity, RenderSpec spec, HashSet<string>? onlyThese = null)
    {
        var filter = spec.Attrs;
        if (filter is not null && filter.Count > 0 && !filter.Contains("*"))
        {
            foreach (var name in filter)
            {
                if (onlyThese is not null && !onlyThese.Contains(name) && !IsBuiltinAttribute(name))
                {
                    continue;
                }

                if (entity.Attributes.TryGetValue(name, out var attribute))
                {
                    if (!Excluded(spec, name))
                    {
                        yield return (name, attribute.Type, attribute.Value, attribute);
                    }
                }
                else if (name == "dateCreated")
                {
                    yield return (name, "DateTime", Dates.Format(entity.Created), null);
                }
                else if (name == "dateModified")
                {
                    yield return (name, "DateTime", Dates.Format(entity.Modified), null);
                }
                else if (spec.Covered && !IsBuiltinAttribute(name) && !Excluded(spec, name))
                {
                    yield return (name, "None", null, null);
                }
            }

            yield break;
        }

        foreach (var pair in entity.Attributes)
        {
            // dateExpires is a builtin: shown only when asked for, like dateCreated and dateModified.
            if ((onlyThese is null || onlyThese.Contains(pair.Key)) && !Excluded(spec, pair.Key)
                && (pair.Key != Transient.AttributeName || RenderSpec.Names(filter, Transient.AttributeName)))
            {
                yield return (pair.Key, pair.Value.Type, pair.Value.Value, pair.Value);
            }
        }

        // A user attribute of a builtin's name wins over the builtin (orion-api.md).
        if (RenderSpec.Names(filter, "dateCreated") && !entity.Attributes.ContainsKey("dateCreated"))
        {
            yield return ("dateCreated", "DateTime", Dates.Format(entity.Created), null);
        }

        if (RenderSpec.Names(filter, "dateModified") && !entity.Attributes.ContainsKey("dateModified"))
        {
            yield return ("dateModified", "DateTime", Dates.Format(entity.Modified), null);
        }
    }

    private static bool Excluded(RenderSpec spec, string name) => spec.ExceptAttrs is { } except && except.Contains(name);
}
