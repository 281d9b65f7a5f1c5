namespace NgsiFlow.Broker.Internal.Model;

/// <summary>
/// A stored entity. Mutations happen under <c>lock (entity)</c>; <see cref="Deleted"/> tells a writer that won the
/// lock after a delete that the entity is gone.
/// </summary>
internal sealed class Entity
{
    public Entity(string id, string type, string servicePath)
    {
        Id = id;
        Type = type;
        ServicePath = servicePath;
    }

    public string Id { get; }

    public string Type { get; }

    public string ServicePath { get; }

    /// <summary>Creation order within the broker; the default result order.</summary>
    public long Sequence { get; set; }

    /// <summary>Bumped on every change; the PostgreSQL store never lets an older version overwrite a newer one.</summary>
    public long Version { get; set; }

    public DateTime Created { get; set; }

    public DateTime Modified { get; set; }

    public bool Deleted { get; set; }

    /// <summary>The entity's location (its geo attribute), kept by the tenant's geo index; null when it has none.</summary>
    public NetTopologySuite.Geometries.Geometry? Location { get; set; }

    /// <summary>The envelope the geo index holds the entity under.</summary>
    public NetTopologySuite.Geometries.Envelope? IndexedEnvelope { get; set; }

    public OrderedDictionary<string, NgsiAttribute> Attributes { get; } = new(StringComparer.Ordinal);

    public Entity Clone()
    {
        var copy = new Entity(Id, Type, ServicePath) { Sequence = Sequence, Version = Version, Created = Created, Modified = Modified, Deleted = Deleted };
        foreach (var pair in Attributes)
        {
            copy.Attributes.Add(pair.Key, pair.Value.Clone());
        }

        return copy;
    }
}
