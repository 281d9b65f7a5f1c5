using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Subscriptions;

/// <summary>
/// The <c>ngsi</c> field of httpCustom/mqttCustom: an entity fragment (id, type, attributes) whose strings may hold
/// <c>${...}</c> macros. At notification time it is laid over the notified entity (its attributes first, then the
/// entity's others) and the result is sent as a normal NGSI notification in the subscription's attrsFormat.
/// </summary>
internal sealed class NgsiTemplate
{
    private NgsiTemplate(JsonMap source, string? id, string? type, List<(string Name, string? Type, object? Value)> attributes)
    {
        Source = source;
        Id = id;
        Type = type;
        Attributes = attributes;
    }

    /// <summary>The field as given, rendered back by GET.</summary>
    public JsonMap Source { get; }

    public string? Id { get; }

    public string? Type { get; }

    public IReadOnlyList<(string Name, string? Type, object? Value)> Attributes { get; }

    public static NgsiTemplate Parse(object? value)
    {
        var map = value as JsonMap ?? throw OrionException.BadRequest("ngsi field must be an object");
        string? id = null, type = null;
        var attributes = new List<(string, string?, object?)>();
        foreach (var pair in map)
        {
            switch (pair.Key)
            {
                case "id":
                    id = pair.Value as string ?? throw OrionException.BadRequest("Invalid JSON type for entity id");
                    break;
                case "type":
                    type = pair.Value as string ?? throw OrionException.BadRequest("Invalid JSON type for entity type");
                    break;
                default:
                    attributes.Add(ParseAttribute(pair.Key, pair.Value));
                    break;
            }
        }

        return new NgsiTemplate(map, id, type, attributes);
    }

    /// <summary>The entity to notify: the template's attributes (macros replaced) over the notified entity's.</summary>
    public Entity Apply(Entity entity, Dictionary<string, object?> values, Func<string, Dictionary<string, object?>, string> substitute, Func<object?, Dictionary<string, object?>, object?> substituteJson)
    {
        var id = Id is null ? entity.Id : NonEmptyOr(substitute(Id, values), entity.Id);
        var type = Type is null ? entity.Type : NonEmptyOr(substitute(Type, values), entity.Type);
        var result = new Entity(id, type, entity.ServicePath) { Created = entity.Created, Modified = entity.Modified };
        foreach (var (name, attrType, value) in Attributes)
        {
            var replaced = substituteJson(value, values);
            result.Attributes[name] = new NgsiAttribute(name, attrType ?? NgsiAttribute.DefaultType(replaced), replaced, null);
        }

        foreach (var pair in entity.Attributes)
        {
            if (!result.Attributes.ContainsKey(pair.Key))
            {
                result.Attributes.Add(pair.Key, pair.Value);
            }
        }

        return result;
    }

    private static string NonEmptyOr(string value, string fallback) => value.Length == 0 ? fallback : value;

    private static (string, string?, object?) ParseAttribute(string name, object? body)
    {
        FieldRules.CheckIdentifier(name, "attribute name");
        if (body is not JsonMap map)
        {
            throw OrionException.BadRequest("attribute must be a JSON object, unless keyValues option is used");
        }

        string? type = null;
        object? value = null;
        foreach (var pair in map)
        {
            switch (pair.Key)
            {
                case "type":
                    type = pair.Value as string ?? throw OrionException.BadRequest("invalid JSON type for attribute type");
                    break;
                case "value":
                    // Macros use characters Orion forbids elsewhere, so values are not checked here (Orion relaxes it too).
                    value = pair.Value;
                    break;
                case "metadata":
                    if (pair.Value is not JsonMap metadata)
                    {
                        throw OrionException.BadRequest("metadata must be a JSON object");
                    }

                    foreach (var md in metadata)
                    {
                        if (md.Key != "evalPriority")
                        {
                            throw OrionException.BadRequest("only evalPriority metadata is allowed in ngsi field in custom notifications");
                        }
                    }

                    break;
                default:
                    throw OrionException.BadRequest("unrecognized property for context attribute");
            }
        }

        return (name, type, value);
    }
}
