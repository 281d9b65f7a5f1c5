using System.Globalization;
using NetTopologySuite.Geometries;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Geo;

/// <summary>
/// An entity's location, as Orion reads it: the one attribute of type <c>geo:json</c> (a GeoJSON geometry, Feature or
/// one-Feature FeatureCollection), <c>geo:point</c> (<c>"lat, lon"</c>), <c>geo:line</c>, <c>geo:box</c> or
/// <c>geo:polygon</c> (arrays of <c>"lat, lon"</c>), unless its metadata <c>ignoreType</c> is true. Geometries are in
/// WGS-84 degrees, x the longitude and y the latitude. Errors carry Orion's texts.
/// </summary>
internal static class GeoLocation
{
    public const string TooMany = "You cannot use more than one geo location attribute when creating an entity. Use ignoreType metadata if you want to add additional informative locations.";

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>Whether an attribute of this type and metadata is a location.</summary>
    public static bool IsLocation(string? type, OrderedDictionary<string, NgsiMetadata>? metadata) =>
        type is "geo:json" or "geo:point" or "geo:line" or "geo:box" or "geo:polygon"
        && !(metadata is not null && metadata.TryGetValue("ignoreType", out var ignore) && ignore.Value is true);

    /// <summary>Checks a location attribute's value; 400 with Orion's text when it is not one.</summary>
    public static void Check(ParsedAttribute attribute)
    {
        if (IsLocation(attribute.Type, attribute.Metadata))
        {
            _ = Parse(attribute.Type!, attribute.Value);
        }
    }

    /// <summary>The entity's location, or null when it has none (or its geo:json value is null).</summary>
    public static Geometry? Of(Entity entity)
    {
        foreach (var pair in entity.Attributes)
        {
            if (IsLocation(pair.Value.Type, pair.Value.Metadata))
            {
                try
                {
                    return Parse(pair.Value.Type, pair.Value.Value);
                }
                catch (OrionException)
                {
                    return null; // written before validation existed (an old PostgreSQL row): no location
                }
            }
        }

        return null;
    }

    /// <summary>413 when the entity would have more than one location attribute.</summary>
    public static void CheckCount(Entity entity)
    {
        if (entity.Attributes.Values.Count(a => IsLocation(a.Type, a.Metadata)) > 1)
        {
            throw new OrionException(413, "NoResourcesAvailable", TooMany);
        }
    }

    public static Geometry? Parse(string type, object? value)
    {
        switch (type)
        {
            case "geo:json":
                return value switch
                {
                    null => null,
                    JsonMap map => GeoJson(map),
                    _ => throw OrionException.BadRequest("geo:json needs an object or null as value"),
                };
            case "geo:point":
                return value is string text && TryPoint(text, out var point)
                    ? Factory.CreatePoint(point)
                    : throw OrionException.BadRequest("error parsing location attribute: geo:point needs a string \"latitude, longitude\" as value");
            default:
                if (value is not List<object?> items || items.Any(i => i is not string))
                {
                    throw OrionException.BadRequest("error parsing location attribute: geo:line, geo:box and geo:polygon needs array of strings as value");
                }

                var coordinates = new Coordinate[items.Count];
                for (var i = 0; i < items.Count; i++)
                {
                    if (!TryPoint((string)items[i]!, out coordinates[i]))
                    {
                        throw OrionException.BadRequest($"error parsing location attribute: invalid point '{items[i]}' in {type}");
                    }
                }

                return type switch
                {
                    "geo:line" => coordinates.Length >= 2 ? Factory.CreateLineString(coordinates) : throw OrionException.BadRequest("error parsing location attribute: geo:line uses at least 2 coordinates"),
                    "geo:box" => Box(coordinates, "error parsing location attribute: geo:box uses exactly 2 coordinates", "error parsing location attribute: geo:box coordinates are not defining an actual box"),
                    _ => Polygon(coordinates),
                };
        }
    }

    /// <summary><c>"lat, lon"</c> (Orion's order) as a coordinate (x lon, y lat).</summary>
    public static bool TryPoint(string text, out Coordinate coordinate)
    {
        coordinate = new Coordinate();
        var parts = text.Split(',');
        if (parts.Length != 2
            || !double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
            || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
            || lat is < -90 or > 90 || lon is < -180 or > 180)
        {
            return false;
        }

        coordinate = new Coordinate(lon, lat);
        return true;
    }

    public static Geometry Box(Coordinate[] corners, string wrongCount, string degenerate)
    {
        if (corners.Length != 2)
        {
            throw OrionException.BadRequest(wrongCount);
        }

        var (a, b) = (corners[0], corners[1]);
        if (a.X == b.X || a.Y == b.Y)
        {
            throw OrionException.BadRequest(degenerate);
        }

        return Factory.ToGeometry(new Envelope(a, b));
    }

    private static Geometry Polygon(Coordinate[] ring)
    {
        if (ring.Length < 4)
        {
            throw OrionException.BadRequest("error parsing location attribute: geo:polygon uses at least 4 coordinates");
        }

        if (!ring[0].Equals2D(ring[^1]))
        {
            throw OrionException.BadRequest("error parsing location attribute: geo:polygon first and last coordinates must match");
        }

        return Factory.CreatePolygon(ring);
    }

    public static Geometry PolygonOrThrow(Coordinate[] ring, string tooFew)
    {
        if (ring.Length < 4)
        {
            throw OrionException.BadRequest(tooFew);
        }

        if (!ring[0].Equals2D(ring[^1]))
        {
            ring = [.. ring, ring[0]];
        }

        return Factory.CreatePolygon(ring);
    }

    public static Point Point(Coordinate c) => Factory.CreatePoint(c);

    public static LineString Line(Coordinate[] c) => Factory.CreateLineString(c);

    private static Geometry GeoJson(JsonMap map)
    {
        try
        {
            var type = map.TryGet("type", out var t) ? t as string : null;
            switch (type)
            {
                case "Feature":
                    return map.TryGet("geometry", out var g) && g is JsonMap geometry ? GeoJson(geometry) : throw Wrong();
                case "FeatureCollection":
                    if (map.TryGet("features", out var f) && f is List<object?> { Count: 1 } features && features[0] is JsonMap feature)
                    {
                        return GeoJson(feature);
                    }

                    throw OrionException.BadRequest("FeatureCollection with more than one Feature or none is not supported");
            }

            if (!map.TryGet("coordinates", out var raw))
            {
                throw Wrong();
            }

            Geometry result = type switch
            {
                "Point" => Factory.CreatePoint(Position(raw)),
                "MultiPoint" => Factory.CreateMultiPointFromCoords(Positions(raw)),
                "LineString" => Factory.CreateLineString(Positions(raw)),
                "MultiLineString" => Factory.CreateMultiLineString([.. List(raw).Select(l => Factory.CreateLineString(Positions(l)))]),
                "Polygon" => PolygonOf(raw),
                "MultiPolygon" => Factory.CreateMultiPolygon([.. List(raw).Select(PolygonOf)]),
                _ => throw Wrong(),
            };
            return result.IsValid || result is not NetTopologySuite.Geometries.Polygon and not MultiPolygon ? result : throw Wrong();
        }
        catch (ArgumentException)
        {
            throw Wrong();
        }
    }

    private static Polygon PolygonOf(object? raw)
    {
        var rings = List(raw).Select(r => Factory.CreateLinearRing(Positions(r))).ToList();
        return rings.Count == 0 ? throw Wrong() : Factory.CreatePolygon(rings[0], [.. rings.Skip(1)]);
    }

    private static List<object?> List(object? raw) => raw as List<object?> ?? throw Wrong();

    private static Coordinate[] Positions(object? raw) => [.. List(raw).Select(Position)];

    private static Coordinate Position(object? raw)
    {
        var p = List(raw);
        if (p.Count < 2 || p[0] is not double lon || p[1] is not double lat || lat is < -90 or > 90 || lon is < -180 or > 180)
        {
            throw Wrong();
        }

        return new Coordinate(lon, lat);
    }

    private static OrionException Wrong() => OrionException.BadRequest("Wrong GeoJson");
}
