using NgsiFlow.Broker.Internal.Json;

namespace NgsiFlow.Broker.Internal.Model;

/// <summary>An entity attribute as stored: type, value, user metadata and its own creation/modification dates.</summary>
internal sealed class NgsiAttribute
{
    public NgsiAttribute(string name, string type, object? value, OrderedDictionary<string, NgsiMetadata>? metadata)
    {
        Name = name;
        Type = type;
        Value = value;
        Metadata = metadata;
    }

    public string Name { get; }

    public string Type { get; set; }

    public object? Value { get; set; }

    public OrderedDictionary<string, NgsiMetadata>? Metadata { get; set; }

    public DateTime Created { get; set; }

    public DateTime Modified { get; set; }

    /// <summary>Orion's default attribute type for a value whose type was not given.</summary>
    public static string DefaultType(object? value) => value switch
    {
        null => "None",
        string => "Text",
        double => "Number",
        bool => "Boolean",
        _ => "StructuredValue",
    };

    public NgsiAttribute Clone() => new(Name, Type, JsonValues.Clone(Value), Metadata is null ? null : new OrderedDictionary<string, NgsiMetadata>(Metadata))
    {
        Created = Created,
        Modified = Modified,
    };
}
