namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-v2 entity: id, type and attributes in order.</summary>
public sealed class NgsiV2Entity : INgsiEntity, IEquatable<NgsiV2Entity>
{
    /// <summary>Creates an entity.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="type">The entity type (Orion's default is <c>Thing</c>).</param>
    /// <param name="attributes">The attributes, or null for none yet.</param>
    public NgsiV2Entity(string id, string type, NgsiV2AttributeCollection? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(type);
        Id = id;
        Type = type;
        Attributes = attributes ?? new NgsiV2AttributeCollection();
    }

    /// <summary>The entity id (empty for the <c>values</c> format, which carries none).</summary>
    public string Id { get; }

    /// <summary>The entity type (empty for the <c>values</c> format).</summary>
    public string Type { get; }

    /// <summary>The attributes, in order.</summary>
    public NgsiV2AttributeCollection Attributes { get; }

    /// <inheritdoc />
    public IEnumerable<string> AttributeNames => Attributes.Select(a => a.Name);

    /// <inheritdoc />
    public bool TryGetValue(string attributeName, out NgsiValue value)
    {
        if (Attributes.TryGet(attributeName, out var a))
        {
            value = a.Value;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Same id, type and attributes (in order).</summary>
    /// <param name="other">The other entity.</param>
    public bool Equals(NgsiV2Entity? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && string.Equals(Type, other.Type, StringComparison.Ordinal)
        && Attributes.SequenceEqual(other.Attributes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NgsiV2Entity);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Type, Attributes.Count);

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Type}), {Attributes.Count} attributes";
}
