namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD ListRelationship: an ordered list of entity URIs.</summary>
/// <param name="name">The attribute name.</param>
/// <param name="objectList">The entity URIs, in order.</param>
public sealed class NgsiLdListRelationship(string name, IReadOnlyList<string> objectList) : NgsiLdAttribute(name)
{
    /// <inheritdoc />
    public override NgsiLdAttributeKind Kind => NgsiLdAttributeKind.ListRelationship;

    /// <summary>The entity URIs, in order.</summary>
    public IReadOnlyList<string> ObjectList { get; } = objectList ?? throw new ArgumentNullException(nameof(objectList));

    /// <inheritdoc />
    public override NgsiValue MainValue => NgsiValue.FromArray([.. ObjectList.Select(NgsiValue.FromString)]);
}
