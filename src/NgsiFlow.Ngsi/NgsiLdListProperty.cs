namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD ListProperty: an ordered list of values.</summary>
/// <param name="name">The attribute name.</param>
/// <param name="valueList">The values, in order.</param>
public sealed class NgsiLdListProperty(string name, IReadOnlyList<NgsiValue> valueList) : NgsiLdAttribute(name)
{
    /// <inheritdoc />
    public override NgsiLdAttributeKind Kind => NgsiLdAttributeKind.ListProperty;

    /// <summary>The values, in order.</summary>
    public IReadOnlyList<NgsiValue> ValueList { get; } = valueList ?? throw new ArgumentNullException(nameof(valueList));

    /// <inheritdoc />
    public override NgsiValue MainValue => NgsiValue.FromArray([.. ValueList]);
}
