namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD Property: a JSON value, with optional unit code and language tag.</summary>
/// <param name="name">The attribute name.</param>
/// <param name="value">The value.</param>
public sealed class NgsiLdProperty(string name, NgsiValue value) : NgsiLdAttribute(name)
{
    /// <inheritdoc />
    public override NgsiLdAttributeKind Kind => NgsiLdAttributeKind.Property;

    /// <summary>The value.</summary>
    public NgsiValue Value { get; } = value;

    /// <summary>UN/CEFACT unit code (e.g. <c>CEL</c>).</summary>
    public string? UnitCode { get; init; }

    /// <summary>
    /// The language of a string value (Orion-LD's <c>lang</c> member). JSON-LD's <c>@none</c> (no language)
    /// is held as null, so that the normalized, concise and simplified forms of one entity are equal.
    /// </summary>
    public string? Lang { get; init; }

    /// <inheritdoc />
    public override NgsiValue MainValue => Value;

    /// <inheritdoc />
    public override bool Equals(NgsiLdAttribute? other) =>
        base.Equals(other) && other is NgsiLdProperty p
        && string.Equals(UnitCode, p.UnitCode, StringComparison.Ordinal)
        && string.Equals(Lang, p.Lang, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NgsiLdAttribute);

    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
}
