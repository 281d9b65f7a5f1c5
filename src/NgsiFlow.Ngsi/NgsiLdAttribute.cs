namespace NgsiFlow.Ngsi;

/// <summary>
/// One instance of an NGSI-LD attribute. Concrete kinds: <see cref="NgsiLdProperty"/>, <see cref="NgsiLdRelationship"/>,
/// <see cref="NgsiLdGeoProperty"/>, <see cref="NgsiLdLanguageProperty"/>, <see cref="NgsiLdVocabProperty"/>,
/// <see cref="NgsiLdListProperty"/>, <see cref="NgsiLdListRelationship"/>. Several instances of one attribute
/// differ by <see cref="DatasetId"/>.
/// </summary>
public abstract class NgsiLdAttribute : IEquatable<NgsiLdAttribute>
{
    private NgsiLdAttributeCollection? _subAttributes;

    /// <summary>Creates the common part.</summary>
    /// <param name="name">The attribute name.</param>
    protected NgsiLdAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The attribute name (as received: short term or expanded URI).</summary>
    public string Name { get; }

    /// <summary>The kind.</summary>
    public abstract NgsiLdAttributeKind Kind { get; }

    private string? _datasetId;
    private DateTimeOffset? _observedAt;

    // System timestamps are rare in notifications: keep them out of line so every attribute stays small.
    private SystemTimes? _system;

    /// <summary>The dataset id of this instance (null for the default instance).</summary>
    public string? DatasetId { get => _datasetId; init => _datasetId = value; }

    /// <summary>When the value was observed.</summary>
    public DateTimeOffset? ObservedAt { get => _observedAt; init => _observedAt = value; }

    /// <summary>System attribute: created at.</summary>
    public DateTimeOffset? CreatedAt { get => _system?.Created; init => SetSystem(value, ModifiedAt); }

    /// <summary>System attribute: modified at.</summary>
    public DateTimeOffset? ModifiedAt { get => _system?.Modified; init => SetSystem(CreatedAt, value); }

    /// <summary>Sub-attributes (properties of properties), in order.</summary>
    public NgsiLdAttributeCollection SubAttributes
    {
        get => _subAttributes ??= new NgsiLdAttributeCollection();
        init => _subAttributes = value;
    }

    /// <summary>True when there are sub-attributes (without allocating an empty collection).</summary>
    public bool HasSubAttributes => _subAttributes is { Count: > 0 };

    /// <summary>Sets the members every kind shares (used by the parsers, which learn them before the kind).</summary>
    internal void SetCommon(string? datasetId, DateTimeOffset? observedAt, DateTimeOffset? createdAt, DateTimeOffset? modifiedAt, NgsiLdAttributeCollection? subAttributes)
    {
        _datasetId = datasetId;
        _observedAt = observedAt;
        SetSystem(createdAt, modifiedAt);
        _subAttributes = subAttributes;
    }

    private void SetSystem(DateTimeOffset? created, DateTimeOffset? modified) =>
        _system = created is null && modified is null ? null : new SystemTimes(created, modified);

    private sealed record SystemTimes(DateTimeOffset? Created, DateTimeOffset? Modified);

    /// <summary>The main value: value, object(s), language map, vocab or list, as JSON.</summary>
    public abstract NgsiValue MainValue { get; }

    /// <summary>Same kind, name, members and sub-attributes.</summary>
    /// <param name="other">The other attribute.</param>
    public virtual bool Equals(NgsiLdAttribute? other) =>
        other is not null
        && other.Kind == Kind
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(DatasetId, other.DatasetId, StringComparison.Ordinal)
        && ObservedAt == other.ObservedAt
        && CreatedAt == other.CreatedAt
        && ModifiedAt == other.ModifiedAt
        && MainValue.Equals(other.MainValue)
        && (HasSubAttributes ? SubAttributes.SequenceEqual(other.SubAttributes) : !other.HasSubAttributes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NgsiLdAttribute);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Name, DatasetId);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Kind}) = {MainValue.ToJson()}";
}
