namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD Relationship: the URI of another entity (or several, as NGSI-LD 1.8 allows).</summary>
public sealed class NgsiLdRelationship : NgsiLdAttribute
{
    /// <summary>Creates a relationship to one entity.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="objectId">The target entity URI.</param>
    public NgsiLdRelationship(string name, string objectId)
        : this(name, [objectId])
    {
    }

    /// <summary>Creates a relationship to several entities.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="objects">The target entity URIs (at least one).</param>
    public NgsiLdRelationship(string name, IReadOnlyList<string> objects)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(objects);
        if (objects.Count == 0)
        {
            throw new ArgumentException("A relationship needs at least one object.", nameof(objects));
        }

        Objects = objects;
    }

    /// <inheritdoc />
    public override NgsiLdAttributeKind Kind => NgsiLdAttributeKind.Relationship;

    /// <summary>The (first) target entity URI.</summary>
    public string Object => Objects[0];

    /// <summary>All target entity URIs.</summary>
    public IReadOnlyList<string> Objects { get; }

    /// <summary>The target entity type, when given (<c>objectType</c>).</summary>
    public string? ObjectType { get; init; }

    /// <inheritdoc />
    public override NgsiValue MainValue => Objects.Count == 1
        ? NgsiValue.FromString(Objects[0])
        : NgsiValue.FromArray([.. Objects.Select(NgsiValue.FromString)]);

    /// <inheritdoc />
    public override bool Equals(NgsiLdAttribute? other) =>
        base.Equals(other) && other is NgsiLdRelationship r && string.Equals(ObjectType, r.ObjectType, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NgsiLdAttribute);

    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
}
