using System.Globalization;
using NetTopologySuite.Geometries;

namespace NgsiFlow.Broker.Internal.Geo;

/// <summary>
/// A geographical query (<c>georel</c>, <c>geometry</c>, <c>coords</c>, orion-api.md "Geographical Queries"):
/// near (with minDistance/maxDistance in meters, geodesic), coveredBy, intersects, disjoint or equals a point, line,
/// polygon or box given as <c>lat,lon;lat,lon</c>. Errors carry Orion's texts.
/// </summary>
internal sealed class GeoFilter
{
    private const double EarthRadius = 6_371_008.8;

    private GeoFilter(string relation, Geometry reference, double? minDistance, double? maxDistance)
    {
        Relation = relation;
        Reference = reference;
        MinDistance = minDistance;
        MaxDistance = maxDistance;
    }

    public string Relation { get; }

    public Geometry Reference { get; }

    public double? MinDistance { get; }

    public double? MaxDistance { get; }

    public bool IsNear => Relation == "near";

    /// <summary>Null when no geo parameter is given; 400 when some are, wrongly.</summary>
    public static GeoFilter? Parse(string? georel, string? geometry, string? coords)
    {
        georel = string.IsNullOrEmpty(georel) ? null : georel;
        geometry = string.IsNullOrEmpty(geometry) ? null : geometry;
        coords = string.IsNullOrEmpty(coords) ? null : coords;
        if (georel is null && geometry is null && coords is null)
        {
            return null;
        }

        if (geometry is not null && coords is null)
        {
            throw Invalid("URI param /geometry/ used without /coords/");
        }

        if (coords is not null && geometry is null)
        {
            throw Invalid("URI param /coords/ used without /geometry/");
        }

        if (georel is not null && geometry is null)
        {
            throw Invalid("URI param /georel/ used without /geometry/");
        }

        if (geometry is not ("point" or "line" or "polygon" or "box"))
        {
            throw Invalid("error parsing geometry: Invalid selector in geometry specification");
        }

        var points = new List<Coordinate>();
        foreach (var text in coords!.Split(';'))
        {
            if (!GeoLocation.TryPoint(text, out var c))
            {
                throw Invalid("invalid point in URI param /coords/");
            }

            points.Add(c);
        }

        var tokens = (georel ?? "intersects").Split(';');
        var relation = tokens[0];
        if (relation is not ("near" or "coveredBy" or "intersects" or "disjoint" or "equals"))
        {
            throw Invalid("Invalid georel: " + relation);
        }

        double? min = null, max = null;
        foreach (var modifier in tokens.Skip(1))
        {
            var colon = modifier.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = colon < 0 ? (modifier, string.Empty) : (modifier[..colon], modifier[(colon + 1)..]);
            if (name is not ("minDistance" or "maxDistance") || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var meters) || meters < 0)
            {
                throw Invalid($"Invalid georel modifier: {modifier}");
            }

            if (name == "minDistance")
            {
                min = meters;
            }
            else
            {
                max = meters;
            }
        }

        if (relation == "near")
        {
            if (geometry != "point")
            {
                throw Invalid("georel /near/ used with geometry different than point");
            }

            if (min is null && max is null)
            {
                throw Invalid("georel /near/ without either minDistance nor maxDistance");
            }
        }

        Geometry reference = geometry switch
        {
            "point" => points.Count == 1 ? GeoLocation.Point(points[0]) : throw Invalid("invalid number of coordinates for /point/"),
            "line" => points.Count >= 2 ? GeoLocation.Line([.. points]) : throw Invalid("invalid number of coordinates for /line/"),
            "box" => GeoLocation.Box([.. points], "Invalid query: invalid number of coordinates for /box/", "Invalid query: box coordinates are not defining an actual box"),
            _ => GeoLocation.PolygonOrThrow([.. points], "Invalid query: Too few coordinates for polygon"),
        };
        return new GeoFilter(relation, reference, min, max);
    }

    /// <summary>Whether a location matches.</summary>
    public bool Matches(Geometry? location)
    {
        if (location is null)
        {
            return false;
        }

        switch (Relation)
        {
            case "near":
                var distance = DistanceTo(location);
                return (MinDistance is not { } min || distance >= min) && (MaxDistance is not { } max || distance <= max);
            case "coveredBy":
                return Reference.Covers(location);
            case "disjoint":
                return Reference.Disjoint(location);
            case "equals":
                return Reference.EqualsTopologically(location);
            default:
                return Reference.Intersects(location);
        }
    }

    /// <summary>Meters from the reference point to the nearest point of <paramref name="location"/> (great circle).</summary>
    public double DistanceTo(Geometry location)
    {
        var point = Reference.Coordinate;
        var nearest = location is Point p ? p.Coordinate : NetTopologySuite.Operation.Distance.DistanceOp.NearestPoints(location, Reference)[0];
        return Haversine(point, nearest);
    }

    /// <summary>A rectangle (degrees) that holds every location the filter can match, or null when it is unbounded
    /// (disjoint, minDistance only): what an index can prune by.</summary>
    public Envelope? SearchEnvelope()
    {
        switch (Relation)
        {
            case "disjoint":
                return null;
            case "near" when MaxDistance is not { } max:
                return null;
            case "near":
                var c = Reference.Coordinate;
                var dLat = MaxDistance!.Value / EarthRadius * 180 / Math.PI;
                var cos = Math.Cos(c.Y * Math.PI / 180);
                var dLon = cos < 1e-9 ? 180 : Math.Min(180, dLat / cos);
                return new Envelope(c.X - dLon, c.X + dLon, Math.Max(-90, c.Y - dLat), Math.Min(90, c.Y + dLat));
            default:
                return Reference.EnvelopeInternal;
        }
    }

    private static double Haversine(Coordinate a, Coordinate b)
    {
        var lat1 = a.Y * Math.PI / 180;
        var lat2 = b.Y * Math.PI / 180;
        var dLat = lat2 - lat1;
        var dLon = (b.X - a.X) * Math.PI / 180;
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadius * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    private static OrionException Invalid(string what) => OrionException.BadRequest("Invalid query: " + what);
}
