namespace NgsiFlow.Ngsi;

/// <summary>
/// A read view of a GeoJSON geometry held in an <see cref="NgsiValue"/> (v2 <c>geo:json</c> attributes,
/// NGSI-LD GeoProperty values).
/// </summary>
public readonly struct GeoJsonGeometry : IEquatable<GeoJsonGeometry>
{
    private GeoJsonGeometry(NgsiValue value, string type)
    {
        Value = value;
        Type = type;
    }

    /// <summary>The whole GeoJSON object.</summary>
    public NgsiValue Value { get; }

    /// <summary>The GeoJSON type: Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon, GeometryCollection.</summary>
    public string Type { get; }

    /// <summary>The <c>coordinates</c> member (JSON null for a GeometryCollection).</summary>
    public NgsiValue Coordinates => Value["coordinates"];

    /// <summary>Reads a value as GeoJSON: an object with a string <c>type</c> and <c>coordinates</c> or <c>geometries</c>.</summary>
    /// <param name="value">The candidate.</param>
    /// <param name="geometry">The geometry view.</param>
    public static bool TryCreate(NgsiValue value, out GeoJsonGeometry geometry)
    {
        geometry = default;
        if (value.Kind != NgsiValueKind.Object || !value.TryGetProperty("type", out var t) || !t.TryGetString(out var type))
        {
            return false;
        }

        if (!value.TryGetProperty("coordinates", out _) && !value.TryGetProperty("geometries", out _))
        {
            return false;
        }

        geometry = new GeoJsonGeometry(value, type);
        return true;
    }

    /// <summary>Creates a Point (longitude first, as GeoJSON orders coordinates).</summary>
    /// <param name="longitude">Longitude in degrees.</param>
    /// <param name="latitude">Latitude in degrees.</param>
    public static GeoJsonGeometry Point(double longitude, double latitude) =>
        new(NgsiValue.FromObject(new NgsiMember("type", "Point"), new NgsiMember("coordinates", NgsiValue.FromArray(longitude, latitude))), "Point");

    /// <summary>Gets the position of a Point geometry.</summary>
    /// <param name="point">The position.</param>
    public bool TryGetPoint(out GeoPoint point)
    {
        point = default;
        var c = Coordinates.Items;
        if (!string.Equals(Type, "Point", StringComparison.Ordinal) || c.Length < 2 || !c[0].TryGetNumber(out var lon) || !c[1].TryGetNumber(out var lat))
        {
            return false;
        }

        point = new GeoPoint(lon, lat, c.Length > 2 && c[2].TryGetNumber(out var alt) ? alt : null);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(GeoJsonGeometry other) => Value.Equals(other.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GeoJsonGeometry g && Equals(g);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Equality of the GeoJSON objects.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    public static bool operator ==(GeoJsonGeometry left, GeoJsonGeometry right) => left.Equals(right);

    /// <summary>Inequality of the GeoJSON objects.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    public static bool operator !=(GeoJsonGeometry left, GeoJsonGeometry right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Value.ToJson();
}
