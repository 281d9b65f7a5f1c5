namespace NgsiFlow.Ngsi;

/// <summary>One NGSI-v2 attribute: name, type, JSON value and metadata (in order).</summary>
public sealed class NgsiV2Attribute : IEquatable<NgsiV2Attribute>
{
    private static readonly NgsiV2Metadata[] NoMetadata = [];

    /// <summary>Creates an attribute; a null type is inferred from the value as Orion does.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <param name="type">The type; inferred from the value when null.</param>
    /// <param name="metadata">Metadata items, in order.</param>
    public NgsiV2Attribute(string name, NgsiValue value, string? type = null, IReadOnlyList<NgsiV2Metadata>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Value = value;
        Type = type ?? NgsiV2AttributeTypes.Infer(value);
        Metadata = metadata ?? NoMetadata;
    }

    /// <summary>The attribute name.</summary>
    public string Name { get; }

    /// <summary>The attribute type (see <see cref="NgsiV2AttributeTypes"/>).</summary>
    public string Type { get; }

    /// <summary>The value.</summary>
    public NgsiValue Value { get; }

    /// <summary>Metadata items, in order (empty when none).</summary>
    public IReadOnlyList<NgsiV2Metadata> Metadata { get; }

    /// <summary>Finds a metadata item by name.</summary>
    /// <param name="name">Metadata name.</param>
    public NgsiV2Metadata? GetMetadata(string name)
    {
        foreach (var m in Metadata)
        {
            if (string.Equals(m.Name, name, StringComparison.Ordinal))
            {
                return m;
            }
        }

        return null;
    }

    /// <summary>The value as a GeoJSON geometry, when it is one.</summary>
    /// <param name="geometry">The geometry.</param>
    public bool TryGetGeoJson(out GeoJsonGeometry geometry) => Value.TryGetGeoJson(out geometry);

    /// <summary>Same name, type, value and metadata (in order).</summary>
    /// <param name="other">The other attribute.</param>
    public bool Equals(NgsiV2Attribute? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(Type, other.Type, StringComparison.Ordinal)
        && Value.Equals(other.Value)
        && Metadata.SequenceEqual(other.Metadata);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NgsiV2Attribute);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Type, Value);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Type}) = {Value.ToJson()}";
}
