using NgsiFlow.Broker.Internal.Json;

namespace NgsiFlow.Broker.Internal.Model;

/// <summary>An attribute as a request gave it, validated but not yet applied.</summary>
internal sealed record ParsedAttribute(string Name, string? Type, object? Value, OrderedDictionary<string, NgsiMetadata>? Metadata)
{
    /// <summary>The attribute as stored: Orion's default type when none was given, created and modified at <paramref name="now"/>.</summary>
    public NgsiAttribute ToAttribute(DateTime now) =>
        new(Name, Type ?? NgsiAttribute.DefaultType(Value), JsonValues.Clone(Value), Metadata is null ? null : new(Metadata))
        {
            Created = now,
            Modified = now,
        };
}

/// <summary>An entity as a request gave it.</summary>
internal sealed record ParsedEntity(string Id, string? Type, List<ParsedAttribute> Attributes);

/// <summary>Turns request JSON into validated entities and attributes, answering bad input with Orion's texts.</summary>
internal static class PayloadReader
{
    private const string TextUnrestricted = "TextUnrestricted";

    public static ParsedEntity ReadEntity(object? root, bool keyValues)
    {
        if (root is not JsonMap map)
        {
            throw OrionException.Parse();
        }

        string? id = null;
        string? type = null;
        var attributes = new List<ParsedAttribute>(map.Count);
        foreach (var pair in map)
        {
            switch (pair.Key)
            {
                case "id":
                    id = pair.Value as string ?? throw OrionException.BadRequest("Invalid JSON type for entity id");
                    FieldRules.CheckIdentifier(id, "entity id");
                    break;
                case "type":
                    type = pair.Value as string ?? throw OrionException.BadRequest("Invalid JSON type for entity type");
                    FieldRules.CheckIdentifier(type, "entity type");
                    break;
                default:
                    attributes.Add(ReadAttribute(pair.Key, pair.Value, keyValues));
                    break;
            }
        }

        if (id is null)
        {
            throw OrionException.BadRequest("entity id not found");
        }

        return new ParsedEntity(id, type, attributes);
    }

    /// <summary>An attributes payload (POST/PATCH/PUT /attrs): an object without id and type.</summary>
    public static List<ParsedAttribute> ReadAttributes(object? root, bool keyValues)
    {
        if (root is not JsonMap map)
        {
            throw OrionException.Parse();
        }

        var attributes = new List<ParsedAttribute>(map.Count);
        foreach (var pair in map)
        {
            if (pair.Key is "id" or "type")
            {
                throw OrionException.BadRequest("Invalid characters in attribute name");
            }

            attributes.Add(ReadAttribute(pair.Key, pair.Value, keyValues));
        }

        if (attributes.Count == 0)
        {
            throw OrionException.BadRequest("empty payload");
        }

        return attributes;
    }

    public static ParsedAttribute ReadAttribute(string name, object? body, bool keyValues)
    {
        FieldRules.CheckIdentifier(name, "attribute name");
        if (name is "*" or "geo:distance")
        {
            throw OrionException.BadRequest("Invalid characters in attribute name");
        }

        if (keyValues)
        {
            FieldRules.CheckValue(body, "attribute value");
            return Transient.Check(new ParsedAttribute(name, name == Transient.AttributeName ? "DateTime" : null, body, null));
        }

        if (body is not JsonMap map)
        {
            throw OrionException.BadRequest("attribute must be a JSON object, unless keyValues option is used");
        }

        string? type = null;
        object? value = null;
        OrderedDictionary<string, NgsiMetadata>? metadata = null;
        foreach (var pair in map)
        {
            switch (pair.Key)
            {
                case "type":
                    type = pair.Value as string ?? throw OrionException.BadRequest("invalid JSON type for attribute type");
                    FieldRules.CheckIdentifier(type, "attribute type");
                    break;
                case "value":
                    value = pair.Value;
                    break;
                case "metadata":
                    metadata = ReadMetadata(pair.Value);
                    break;
                default:
                    throw OrionException.BadRequest("unrecognized property for context attribute");
            }
        }

        // As in Orion, the type TextUnrestricted or a metadata TextUnrestricted: true lifts the character restrictions of the value.
        if (type != TextUnrestricted && !(metadata is not null && metadata.TryGetValue(TextUnrestricted, out var unrestricted) && unrestricted.Value is true))
        {
            FieldRules.CheckValue(value, "attribute value");
        }

        if (type is "DateTime" or "ISO8601" && value is not null && !UpdateOperators.IsOperation(value)
            && !(metadata is not null && metadata.TryGetValue("ignoreType", out var ignore) && ignore.Value is true))
        {
            value = NormalisedDate(value, "date has invalid format in attribute value");
        }

        var parsed = Transient.Check(new ParsedAttribute(name, type, value, metadata));
        Geo.GeoLocation.Check(parsed);
        return parsed;
    }

    private static OrderedDictionary<string, NgsiMetadata>? ReadMetadata(object? body)
    {
        if (body is not JsonMap map)
        {
            throw OrionException.BadRequest("metadata must be a JSON object");
        }

        if (map.Count == 0)
        {
            return null;
        }

        var result = new OrderedDictionary<string, NgsiMetadata>(map.Count, StringComparer.Ordinal);
        foreach (var pair in map)
        {
            FieldRules.CheckIdentifier(pair.Key, "metadata name");
            if (pair.Key is "*" or "dateCreated" or "dateModified" or "previousValue" or "actionType")
            {
                throw OrionException.BadRequest("Invalid characters in metadata name");
            }

            string? type = null;
            object? value = null;
            if (pair.Value is JsonMap md)
            {
                foreach (var field in md)
                {
                    switch (field.Key)
                    {
                        case "type":
                            type = field.Value as string ?? throw OrionException.BadRequest("invalid JSON type for metadata type");
                            FieldRules.CheckIdentifier(type, "metadata type");
                            break;
                        case "value":
                            value = field.Value;
                            FieldRules.CheckValue(value, "metadata value");
                            break;
                        default:
                            throw OrionException.BadRequest("unrecognized property for metadata");
                    }
                }
            }
            else
            {
                // Orion accepts a bare value as a metadata's value.
                value = pair.Value;
                FieldRules.CheckValue(value, "metadata value");
            }

            if (type is "DateTime" or "ISO8601" && value is not null)
            {
                value = NormalisedDate(value, "date has invalid format in metadata value");
            }

            result[pair.Key] = new NgsiMetadata(type ?? NgsiAttribute.DefaultType(value), value);
        }

        return result;
    }

    /// <summary>A DateTime value as Orion stores it (UTC, milliseconds, Z), or Orion's 400.</summary>
    private static string NormalisedDate(object value, string error) =>
        value is string text && Dates.TryParse(text, out var date) ? Dates.Format(date) : throw OrionException.BadRequest(error);
}
