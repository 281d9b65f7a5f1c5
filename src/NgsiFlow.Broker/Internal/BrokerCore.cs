using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Notifications;
using NgsiFlow.Broker.Internal.Query;
using NgsiFlow.Broker.Internal.Store;

namespace NgsiFlow.Broker.Internal;

/// <summary>
/// The broker's operations with Orion's semantics, independent of HTTP. Each change runs under the entity's lock:
/// validate, apply, render the triggered notifications from the new state and take a snapshot for the store; then,
/// outside the lock, persist and queue the notifications.
/// </summary>
internal sealed partial class BrokerCore
{
    private readonly IBrokerStore _store;
    private readonly NotificationDispatcher _dispatcher;

    public BrokerCore(IBrokerStore store, NotificationDispatcher dispatcher, Registrations.ContextForwarder forwarder)
    {
        _store = store;
        _dispatcher = dispatcher;
        Forwarder = forwarder;
        if (store.IsDurable)
        {
            dispatcher.StateChanged = s => store.SaveSubscriptionStateAsync(s.Tenant, s, CancellationToken.None);
        }
    }

    /// <summary>Sends the queries and updates that registrations route to context providers.</summary>
    public Registrations.ContextForwarder Forwarder { get; }

    public IBrokerStore Store => _store;

    public NotificationDispatcher Dispatcher => _dispatcher;

    public long Updates;

    public long Expired;

    /// <summary>Deletes every entity whose <c>dateExpires</c> is before <paramref name="now"/>, without notifications.</summary>
    public async Task<int> ExpireAsync(DateTime now, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var tenant in _store.Index.Tenants)
        {
            foreach (var type in tenant.Types().ToList())
            {
                foreach (var entity in tenant.OfType(type).ToList())
                {
                    lock (entity)
                    {
                        if (entity.Deleted || Transient.ExpiresAt(entity) is not { } at || at > now)
                        {
                            continue;
                        }

                        entity.Deleted = true;
                        tenant.Remove(entity);
                    }

                    if (_store.IsDurable)
                    {
                        await _store.DeleteEntityAsync(tenant.Name, entity, cancellationToken).ConfigureAwait(false);
                    }

                    count++;
                    Interlocked.Increment(ref Expired);
                }
            }
        }

        return count;
    }

    public TenantIndex Tenant(string name) => _store.Index.Tenant(name);

    /// <summary>The one entity with this id (and type) in scope; 404 when none, 409 when several.</summary>
    public static Entity FindOne(TenantIndex tenant, string id, string? type, ServicePathScope scope)
    {
        Entity? found = null;
        foreach (var entity in tenant.ById(id))
        {
            if (entity.Deleted || (type is not null && entity.Type != type) || !scope.Contains(entity.ServicePath))
            {
                continue;
            }

            if (found is not null)
            {
                throw OrionException.TooManyResults();
            }

            found = entity;
        }

        return found ?? throw OrionException.EntityNotFound();
    }

    /// <summary>Entities matching a query, in creation order.</summary>
    public static List<Entity> Query(TenantIndex tenant, EntityQuery query)
    {
        var result = new List<Entity>();
        foreach (var entity in tenant.Candidates(query))
        {
            lock (entity)
            {
                if (!entity.Deleted && query.Matches(entity))
                {
                    result.Add(entity);
                }
            }
        }

        return result;
    }

    /// <summary>POST /v2/entities. Returns true when created, false when upsert updated an existing entity.</summary>
    public async ValueTask<bool> CreateAsync(TenantIndex tenant, string servicePath, ParsedEntity parsed, bool upsert, RequestContext request, CancellationToken cancellationToken)
    {
        var type = parsed.Type ?? "Thing";
        var now = Dates.Now();
        var entity = new Entity(parsed.Id, type, servicePath) { Created = now, Modified = now, Version = 1 };
        List<NotificationJob>? jobs;
        Entity? snapshot = null;
        var added = false;
        lock (entity)
        {
            foreach (var attribute in Resolve(null, parsed.Attributes, fromScratch: true))
            {
                entity.Attributes[attribute.Name] = attribute.ToAttribute(now);
            }

            Geo.GeoLocation.CheckCount(entity);

            if (tenant.TryAdd(entity))
            {
                added = true;
                var context = new NotificationContext
                {
                    ActionType = "append",
                    TouchedAttributes = [.. entity.Attributes.Keys],
                    ChangedAttributes = [.. entity.Attributes.Keys],
                    Previous = [],
                };
                jobs = Trigger(tenant, entity, Alteration.Create, context, request);
                if (_store.IsDurable)
                {
                    snapshot = entity.Clone();
                }
            }
            else
            {
                jobs = null;
            }
        }

        if (!added)
        {
            if (!upsert)
            {
                throw OrionException.Unprocessable("Already Exists");
            }

            var existing = FindOne(tenant, parsed.Id, type, ServicePathScope.Exact(servicePath));
            await UpdateAsync(tenant, existing, parsed.Attributes, UpdateMode.Append, request, cancellationToken).ConfigureAwait(false);
            return false;
        }

        await CommitAsync(tenant, snapshot, jobs, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Applies attributes to an entity with the given mode (POST, PATCH, PUT /attrs and batch update).</summary>
    /// <returns>
    /// The attributes the mode refused (missing ones for an update, existing ones for a strict append); the others are
    /// applied. When every one is refused, nothing changes.
    /// </returns>
    public async ValueTask<IReadOnlyList<string>> UpdateAsync(TenantIndex tenant, Entity entity, IReadOnlyList<ParsedAttribute> attributes, UpdateMode mode, RequestContext request, CancellationToken cancellationToken)
    {
        List<NotificationJob>? jobs;
        Entity? snapshot = null;
        IReadOnlyList<string> refused = [];
        lock (entity)
        {
            if (entity.Deleted)
            {
                throw OrionException.EntityNotFound();
            }

            var applicable = attributes;
            if (mode is UpdateMode.Update or UpdateMode.AppendStrict)
            {
                var mustExist = mode == UpdateMode.Update;
                if (!AllMatch(entity, attributes, mustExist))
                {
                    refused = [.. attributes.Where(a => entity.Attributes.ContainsKey(a.Name) != mustExist).Select(a => a.Name)];
                    applicable = [.. attributes.Where(a => entity.Attributes.ContainsKey(a.Name) == mustExist)];
                    if (applicable.Count == 0)
                    {
                        return refused;
                    }
                }
            }

            if (applicable.Count == 0 && mode != UpdateMode.Replace)
            {
                throw OrionException.BadRequest("empty payload");
            }

            // Operators are resolved against the stored values before anything changes: a refused one changes nothing.
            applicable = Resolve(entity, applicable, fromScratch: mode == UpdateMode.Replace);
            CheckLocations(entity, applicable, mode == UpdateMode.Replace);
            var now = Dates.Now();

            // What changed matters only to subscriptions; without any, skip the bookkeeping.
            var context = tenant.Subscriptions.IsEmpty ? null : new NotificationContext
            {
                ActionType = mode is UpdateMode.Update or UpdateMode.Replace ? "update" : "append",
                TouchedAttributes = new HashSet<string>(applicable.Count, StringComparer.Ordinal),
                ChangedAttributes = new HashSet<string>(applicable.Count, StringComparer.Ordinal),
                Previous = new Dictionary<string, (string, object?)>(applicable.Count, StringComparer.Ordinal),
            };
            if (mode == UpdateMode.Replace)
            {
                foreach (var name in entity.Attributes.Keys.ToList())
                {
                    if (!applicable.Any(a => a.Name == name))
                    {
                        entity.Attributes.Remove(name);
                        context?.ChangedAttributes.Add(name);
                    }
                }
            }

            foreach (var attribute in applicable)
            {
                context?.TouchedAttributes.Add(attribute.Name);
                if (entity.Attributes.TryGetValue(attribute.Name, out var current))
                {
                    context?.Previous[attribute.Name] = (current.Type, current.Value);
                    var (previousType, previousValue) = (current.Type, current.Value);
                    if (ApplyTo(current, attribute, now, request.OverrideMetadata || mode == UpdateMode.Replace) && context is not null)
                    {
                        context.ChangedAttributes.Add(attribute.Name);
                        if (current.Type == previousType && JsonValues.DeepEquals(previousValue, current.Value))
                        {
                            (context.MetadataOnly ??= new HashSet<string>(StringComparer.Ordinal)).Add(attribute.Name);
                        }
                    }
                }
                else
                {
                    entity.Attributes[attribute.Name] = attribute.ToAttribute(now);
                    context?.ChangedAttributes.Add(attribute.Name);
                }
            }

            entity.Modified = now;
            entity.Version++;
            tenant.UpdateLocation(entity);
            jobs = context is null ? null : Trigger(tenant, entity, Alteration.Update, context, request);
            if (_store.IsDurable)
            {
                snapshot = entity.Clone();
            }
        }

        Interlocked.Increment(ref Updates);
        await CommitAsync(tenant, snapshot, jobs, cancellationToken).ConfigureAwait(false);
        return refused;
    }

    /// <summary>PUT /attrs/{name}: replaces one existing attribute.</summary>
    public async ValueTask ReplaceAttributeAsync(TenantIndex tenant, Entity entity, ParsedAttribute attribute, RequestContext request, CancellationToken cancellationToken)
    {
        var refused = await UpdateAsync(tenant, entity, [attribute], UpdateMode.Update, new RequestContext(request.Correlator) { ForcedUpdate = request.ForcedUpdate, OverrideMetadata = true }, cancellationToken).ConfigureAwait(false);
        if (refused.Count > 0)
        {
            throw OrionException.AttributeNotFound();
        }
    }

    /// <summary>PUT /attrs/{name}/value: sets the value, keeping type and metadata.</summary>
    public async ValueTask SetAttributeValueAsync(TenantIndex tenant, Entity entity, string name, object? value, RequestContext request, CancellationToken cancellationToken)
    {
        List<NotificationJob>? jobs;
        Entity? snapshot = null;
        lock (entity)
        {
            if (entity.Deleted)
            {
                throw OrionException.EntityNotFound();
            }

            if (!entity.Attributes.TryGetValue(name, out var current))
            {
                throw OrionException.AttributeNotFound();
            }

            if (UpdateOperators.IsOperation(value))
            {
                value = UpdateOperators.Apply(name, (JsonMap)value!, current.Value, exists: true, current.Type, out _);
            }

            if (Geo.GeoLocation.IsLocation(current.Type, current.Metadata))
            {
                _ = Geo.GeoLocation.Parse(current.Type, value);
            }

            var now = Dates.Now();
            var context = new NotificationContext
            {
                ActionType = "update",
                TouchedAttributes = [name],
                ChangedAttributes = [],
                Previous = new() { [name] = (current.Type, current.Value) },
            };
            if (!JsonValues.DeepEquals(current.Value, value))
            {
                context.ChangedAttributes.Add(name);
            }

            current.Value = value;
            current.Modified = now;
            entity.Modified = now;
            entity.Version++;
            tenant.UpdateLocation(entity);
            jobs = Trigger(tenant, entity, Alteration.Update, context, request);
            if (_store.IsDurable)
            {
                snapshot = entity.Clone();
            }
        }

        Interlocked.Increment(ref Updates);
        await CommitAsync(tenant, snapshot, jobs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DELETE /attrs/{name}.</summary>
    public async ValueTask DeleteAttributeAsync(TenantIndex tenant, Entity entity, string name, RequestContext request, CancellationToken cancellationToken)
    {
        List<NotificationJob>? jobs;
        Entity? snapshot = null;
        lock (entity)
        {
            if (entity.Deleted)
            {
                throw OrionException.EntityNotFound();
            }

            if (!entity.Attributes.TryGetValue(name, out var current))
            {
                throw OrionException.AttributeNotFound();
            }

            entity.Attributes.Remove(name);
            entity.Modified = Dates.Now();
            entity.Version++;
            tenant.UpdateLocation(entity);
            var context = new NotificationContext
            {
                ActionType = "delete",
                TouchedAttributes = [name],
                ChangedAttributes = [name],
                Previous = new() { [name] = (current.Type, current.Value) },
            };
            jobs = Trigger(tenant, entity, Alteration.Update, context, request);
            if (_store.IsDurable)
            {
                snapshot = entity.Clone();
            }
        }

        await CommitAsync(tenant, snapshot, jobs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DELETE /v2/entities/{id}.</summary>
    public async ValueTask DeleteEntityAsync(TenantIndex tenant, Entity entity, RequestContext request, CancellationToken cancellationToken)
    {
        List<NotificationJob>? jobs;
        lock (entity)
        {
            if (entity.Deleted)
            {
                throw OrionException.EntityNotFound();
            }

            entity.Deleted = true;
            tenant.Remove(entity);
            var context = new NotificationContext
            {
                ActionType = "delete",
                TouchedAttributes = [.. entity.Attributes.Keys],
                ChangedAttributes = [.. entity.Attributes.Keys],
                Previous = [],
            };
            jobs = Trigger(tenant, entity, Alteration.Delete, context, request);
        }

        if (_store.IsDurable)
        {
            await _store.DeleteEntityAsync(tenant.Name, entity, cancellationToken).ConfigureAwait(false);
        }

        Enqueue(jobs);
    }

    private async ValueTask CommitAsync(TenantIndex tenant, Entity? snapshot, List<NotificationJob>? jobs, CancellationToken cancellationToken)
    {
        if (snapshot is not null)
        {
            await _store.SaveEntityAsync(tenant.Name, snapshot, cancellationToken).ConfigureAwait(false);
        }

        Enqueue(jobs);
    }

    private void Enqueue(List<NotificationJob>? jobs)
    {
        if (jobs is null)
        {
            return;
        }

        foreach (var job in jobs)
        {
            _dispatcher.Enqueue(job);
        }
    }

    private static bool AllMatch(Entity entity, IReadOnlyList<ParsedAttribute> attributes, bool mustExist)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (entity.Attributes.ContainsKey(attributes[i].Name) != mustExist)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>413 when the update would leave the entity with more than one location attribute; checked before anything changes.</summary>
    private static void CheckLocations(Entity entity, IReadOnlyList<ParsedAttribute> attributes, bool replace)
    {
        var locations = replace ? [] : entity.Attributes.Values.Where(a => Geo.GeoLocation.IsLocation(a.Type, a.Metadata)).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var a in attributes)
        {
            entity.Attributes.TryGetValue(a.Name, out var current);
            var type = a.Type ?? NgsiAttribute.DefaultType(a.Value);
            if (Geo.GeoLocation.IsLocation(type, a.Metadata ?? current?.Metadata))
            {
                locations.Add(a.Name);
            }
            else
            {
                locations.Remove(a.Name);
            }
        }

        if (locations.Count > 1)
        {
            throw new OrionException(413, "NoResourcesAvailable", Geo.GeoLocation.TooMany);
        }
    }

    /// <summary>The attributes with their update operators applied (to the stored values, or from scratch), without
    /// those an operator leaves uncreated.</summary>
    private static IReadOnlyList<ParsedAttribute> Resolve(Entity? entity, IReadOnlyList<ParsedAttribute> attributes, bool fromScratch)
    {
        if (!attributes.Any(a => UpdateOperators.IsOperation(a.Value)))
        {
            return attributes;
        }

        var resolved = new List<ParsedAttribute>(attributes.Count);
        foreach (var attribute in attributes)
        {
            if (!UpdateOperators.IsOperation(attribute.Value))
            {
                resolved.Add(attribute);
                continue;
            }

            NgsiAttribute? current = null;
            var exists = !fromScratch && entity is not null && entity.Attributes.TryGetValue(attribute.Name, out current);
            var type = attribute.Type ?? current?.Type;
            var value = UpdateOperators.Apply(attribute.Name, (JsonMap)attribute.Value!, current?.Value, exists, type, out var create);
            if (create)
            {
                resolved.Add(attribute with { Value = value, Type = type ?? NgsiAttribute.DefaultType(value) });
            }
        }

        return resolved;
    }

    /// <summary>Applies a parsed attribute onto a stored one; returns whether value, type or metadata changed.</summary>
    private static bool ApplyTo(NgsiAttribute current, ParsedAttribute parsed, DateTime now, bool replaceMetadata)
    {
        var type = parsed.Type ?? NgsiAttribute.DefaultType(parsed.Value);
        var changed = !string.Equals(type, current.Type, StringComparison.Ordinal) || !JsonValues.DeepEquals(current.Value, parsed.Value);
        current.Type = type;
        current.Value = JsonValues.Clone(parsed.Value);
        if (replaceMetadata)
        {
            changed |= (current.Metadata?.Count ?? 0) != (parsed.Metadata?.Count ?? 0) || parsed.Metadata is not null;
            current.Metadata = parsed.Metadata is null ? null : new(parsed.Metadata);
        }
        else if (parsed.Metadata is not null)
        {
            current.Metadata ??= new(StringComparer.Ordinal);
            foreach (var pair in parsed.Metadata)
            {
                if (!current.Metadata.TryGetValue(pair.Key, out var old) || old.Type != pair.Value.Type || !JsonValues.DeepEquals(old.Value, pair.Value.Value))
                {
                    changed = true;
                }

                current.Metadata[pair.Key] = pair.Value;
            }
        }

        current.Modified = now;
        return changed;
    }
}
