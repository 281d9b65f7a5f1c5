using System.Collections.Concurrent;
using System.Collections.Immutable;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal.Store;

/// <summary>
/// Everything one Fiware-Service owns: entities indexed by id and by type (each entity carries its service path),
/// and subscriptions. Lookups are lock-free; structural changes take the tenant's lock; attribute changes take the
/// entity's lock only, so that updates on different entities never contend.
/// </summary>
internal sealed class TenantIndex
{
    private readonly object _gate = new();
    private readonly NetTopologySuite.Index.Quadtree.Quadtree<Entity> _geo = new();
    private readonly ConcurrentDictionary<string, Entity[]> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Entity, byte>> _byType = new(StringComparer.Ordinal);
    private ImmutableArray<Subscription> _subscriptions = [];
    private ImmutableArray<Registrations.Registration> _registrations = [];
    private long _sequence;

    public TenantIndex(string name) => Name = name;

    /// <summary>The tenant name; empty for the default tenant (no Fiware-Service header).</summary>
    public string Name { get; }

    public ImmutableArray<Subscription> Subscriptions => _subscriptions;

    /// <summary>Context provider registrations, in creation order.</summary>
    public ImmutableArray<Registrations.Registration> Registrations => _registrations;

    public int EntityCount => _byId.Values.Sum(a => a.Length);

    /// <summary>Entities with this id (any type, any service path).</summary>
    public Entity[] ById(string id) => _byId.TryGetValue(id, out var found) ? found : [];

    /// <summary>Candidate entities for a query, in creation order; the caller applies the full filter.</summary>
    public List<Entity> Candidates(EntityQuery query)
    {
        var result = new List<Entity>();
        var ids = query.ExactIds();
        if (ids is null && UseGeoIndex && query.Geo?.SearchEnvelope() is { } area)
        {
            result = GeoCandidates(area);
        }
        else if (ids is not null)
        {
            foreach (var id in ids)
            {
                result.AddRange(ById(id));
            }
        }
        else if (query.Matchers.Count > 0 && query.Matchers.All(m => m.Type is not null && m.TypePattern is null))
        {
            foreach (var type in query.Matchers.Select(m => m.Type!).Distinct(StringComparer.Ordinal))
            {
                if (_byType.TryGetValue(type, out var set))
                {
                    result.AddRange(set.Keys);
                }
            }
        }
        else
        {
            foreach (var bucket in _byId.Values)
            {
                result.AddRange(bucket);
            }
        }

        result.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return result;
    }

    /// <summary>Adds an entity unless one with the same id, type and service path exists.</summary>
    public bool TryAdd(Entity entity)
    {
        lock (_gate)
        {
            var existing = ById(entity.Id);
            foreach (var other in existing)
            {
                if (other.Type == entity.Type && other.ServicePath == entity.ServicePath)
                {
                    return false;
                }
            }

            if (entity.Sequence == 0)
            {
                entity.Sequence = ++_sequence;
            }
            else
            {
                _sequence = Math.Max(_sequence, entity.Sequence);
            }

            _byId[entity.Id] = [.. existing, entity];
            _byType.GetOrAdd(entity.Type, static _ => new ConcurrentDictionary<Entity, byte>())[entity] = 0;
        }

        UpdateLocation(entity);
        return true;
    }

    /// <summary>Whether geo-queries prune by the index (off only to measure the linear scan it replaces).</summary>
    public static bool UseGeoIndex { get; set; } = true;

    /// <summary>Re-reads the entity's location after a change and moves it in the geo index. Call under the entity's lock.</summary>
    public void UpdateLocation(Entity entity)
    {
        var location = entity.Deleted ? null : Geo.GeoLocation.Of(entity);
        var envelope = location?.EnvelopeInternal;
        lock (_geo)
        {
            if (entity.IndexedEnvelope is { } old)
            {
                _geo.Remove(old, entity);
            }

            entity.Location = location;
            entity.IndexedEnvelope = envelope;
            if (envelope is not null)
            {
                _geo.Insert(envelope, entity);
            }
        }
    }

    /// <summary>The entities whose location's envelope may meet <paramref name="area"/> (a superset of the matches).</summary>
    public List<Entity> GeoCandidates(NetTopologySuite.Geometries.Envelope area)
    {
        lock (_geo)
        {
            var found = _geo.Query(area);
            var result = new List<Entity>(found.Count);
            foreach (var e in found)
            {
                if (e.IndexedEnvelope is { } env && env.Intersects(area))
                {
                    result.Add(e);
                }
            }

            return result;
        }
    }

    public void Remove(Entity entity)
    {
        lock (_geo)
        {
            if (entity.IndexedEnvelope is { } indexed)
            {
                _geo.Remove(indexed, entity);
                entity.IndexedEnvelope = null;
            }
        }

        lock (_gate)
        {
            var remaining = ById(entity.Id).Where(e => !ReferenceEquals(e, entity)).ToArray();
            if (remaining.Length == 0)
            {
                _byId.TryRemove(entity.Id, out _);
            }
            else
            {
                _byId[entity.Id] = remaining;
            }

            if (_byType.TryGetValue(entity.Type, out var set))
            {
                set.TryRemove(entity, out _);
                if (set.IsEmpty)
                {
                    _byType.TryRemove(entity.Type, out _);
                }
            }
        }
    }

    /// <summary>Entity types present, ordered alphabetically as Orion lists them.</summary>
    public IEnumerable<string> Types() => _byType.Where(p => !p.Value.IsEmpty).Select(p => p.Key).Order(StringComparer.Ordinal);

    public IEnumerable<Entity> OfType(string type) =>
        _byType.TryGetValue(type, out var set) ? set.Keys.OrderBy(e => e.Sequence) : [];

    public Subscription? FindSubscription(string id)
    {
        foreach (var subscription in _subscriptions)
        {
            if (subscription.Id == id)
            {
                return subscription;
            }
        }

        return null;
    }

    public void AddSubscription(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = _subscriptions.Add(subscription);
        }
    }

    public bool RemoveSubscription(Subscription subscription)
    {
        lock (_gate)
        {
            var before = _subscriptions.Length;
            _subscriptions = _subscriptions.Remove(subscription);
            return _subscriptions.Length != before;
        }
    }

    public Registrations.Registration? FindRegistration(string id)
    {
        foreach (var registration in _registrations)
        {
            if (registration.Id == id)
            {
                return registration;
            }
        }

        return null;
    }

    public void AddRegistration(Registrations.Registration registration)
    {
        lock (_gate)
        {
            _registrations = _registrations.Add(registration);
        }
    }

    public bool RemoveRegistration(Registrations.Registration registration)
    {
        lock (_gate)
        {
            var before = _registrations.Length;
            _registrations = _registrations.Remove(registration);
            return _registrations.Length != before;
        }
    }
}
