namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD GeoProperty: a GeoJSON geometry (<c>location</c>, <c>observationSpace</c>, ...).</summary>
/// <param name="name">The attribute name.</param>
/// <param name="geometry">The geometry.</param>
public sealed class NgsiLdGeoProperty(string name, GeoJsonGeometry geometry) : NgsiLdAttribute(name)
{
    /// <inheritdoc />
    public override NgsiLdAttributeKind Kind => NgsiLdAttributeKind.GeoProperty;

    /// <summary>The geometry.</summary>
    public GeoJsonGeometry Geometry { get; } = geometry;

    /// <summary>The GeoJSON object as JSON.</summary>
    public NgsiValue Value => Geometry.Value;

    /// <inheritdoc />
    public override NgsiValue MainValue => Geometry.Value;
}
