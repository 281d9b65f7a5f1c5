namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD entity: id, one or more types, scopes, attributes (with multi-attribute instances) and its @context.</summary>
public sealed class NgsiLdEntity : INgsiEntity, IEquatable<NgsiLdEntity>
{
    private static readonly string[] NoScopes = [];

    /// <summary>Creates an entity with one type.</summary>
    /// <param name="id">The entity URI.</param>
    /// <param name="type">The type.</param>
    public NgsiLdEntity(string id, string type)
        : this(id, [type])
    {
    }

    /// <summary>Creates an entity with one or more types.</summary>
    /// <param name="id">The entity URI.</param>
    /// <param name="types">The types (at least one).</param>
    /// <param name="attributes">The attributes, or null for none yet.</param>
    public NgsiLdEntity(string id, IReadOnlyList<string> types, NgsiLdAttributeCollection? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0)
        {
            throw new ArgumentException("An NGSI-LD entity needs at least one type.", nameof(types));
        }

        Id = id;
        Types = types;
        Attributes = attributes ?? new NgsiLdAttributeCollection();
    }

    /// <summary>The entity URI.</summary>
    public string Id { get; }

    /// <summary>The first type.</summary>
    public string Type => Types[0];

    /// <summary>All types, in order.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Scopes (<c>scope</c>), empty when none.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = NoScopes;

    /// <summary>The attributes, in order.</summary>
    public NgsiLdAttributeCollection Attributes { get; }

    /// <summary>The entity's own <c>@context</c> member (JSON null when it has none).</summary>
    public NgsiValue Context { get; init; }

    /// <summary>System attribute: created at.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>System attribute: modified at.</summary>
    public DateTimeOffset? ModifiedAt { get; init; }

    /// <summary>The <c>location</c> GeoProperty, when present.</summary>
    public NgsiLdGeoProperty? Location => Attributes.TryGet("location", out var a) ? a as NgsiLdGeoProperty : null;

    /// <inheritdoc />
    public IEnumerable<string> AttributeNames => Attributes.Names;

    /// <inheritdoc />
    public bool TryGetValue(string attributeName, out NgsiValue value)
    {
        if (Attributes.TryGet(attributeName, out var a))
        {
            value = a.MainValue;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Same id, types, scopes, context and attributes (in order).</summary>
    /// <param name="other">The other entity.</param>
    public bool Equals(NgsiLdEntity? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && Types.SequenceEqual(other.Types, StringComparer.Ordinal)
        && Scopes.SequenceEqual(other.Scopes, StringComparer.Ordinal)
        && Context.Equals(other.Context)
        && CreatedAt == other.CreatedAt
        && ModifiedAt == other.ModifiedAt
        && Attributes.SequenceEqual(other.Attributes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NgsiLdEntity);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Type, Attributes.Count);

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({string.Join(", ", Types)}), {Attributes.Count} attributes";
}
