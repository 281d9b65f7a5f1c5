using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Query;

/// <summary>orderBy: comma-separated keys (id, type, dateCreated, dateModified or attribute names), '!' for descending.</summary>
internal static class Ordering
{
    public static List<Entity> Sort(List<Entity> entities, string orderBy, Geo.GeoFilter? geo = null)
    {
        var keys = orderBy.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(k => k.StartsWith('!') ? (Name: k[1..], Descending: true) : (Name: k, Descending: false)).ToArray();
        if (keys.Any(k => k.Name == "geo:distance"))
        {
            if (geo is not { IsNear: true })
            {
                throw OrionException.BadRequest("Orderby Distance but no near georel");
            }

            // Orion orders by distance from the reference point, nearest first; no other key applies with it.
            return [.. entities.Select(e => (Entity: e, Distance: e.Location is { } l ? geo.DistanceTo(l) : double.MaxValue))
                .OrderBy(x => x.Distance).ThenBy(x => x.Entity.Sequence).Select(x => x.Entity)];
        }

        var snapshot = entities.Select(e =>
        {
            lock (e)
            {
                return (Entity: e, Values: keys.Select(k => KeyOf(e, k.Name)).ToArray());
            }
        }).ToList();
        snapshot.Sort((a, b) =>
        {
            for (var i = 0; i < keys.Length; i++)
            {
                var result = CompareValues(a.Values[i], b.Values[i]);
                if (result != 0)
                {
                    return keys[i].Descending ? -result : result;
                }
            }

            return a.Entity.Sequence.CompareTo(b.Entity.Sequence);
        });
        return snapshot.Select(s => s.Entity).ToList();
    }

    private static object? KeyOf(Entity entity, string name) => name switch
    {
        "id" => entity.Id,
        "type" => entity.Type,
        "dateCreated" => entity.Created,
        "dateModified" => entity.Modified,
        _ => entity.Attributes.TryGetValue(name, out var attribute) ? attribute.Value : Missing.Value,
    };

    /// <summary>Missing sorts first, then null, numbers, strings, booleans, others, as MongoDB orders types.</summary>
    private static int Rank(object? value) => value switch
    {
        Missing => 0,
        null => 1,
        double => 2,
        string => 3,
        bool => 5,
        DateTime => 6,
        _ => 4,
    };

    private static int CompareValues(object? a, object? b)
    {
        var ra = Rank(a);
        var rb = Rank(b);
        if (ra != rb)
        {
            return ra.CompareTo(rb);
        }

        return (a, b) switch
        {
            (double x, double y) => x.CompareTo(y),
            (string x, string y) => string.CompareOrdinal(x, y),
            (bool x, bool y) => x.CompareTo(y),
            (DateTime x, DateTime y) => x.CompareTo(y),
            _ => 0,
        };
    }

    private sealed class Missing
    {
        public static readonly Missing Value = new();
    }
}
