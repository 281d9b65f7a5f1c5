using Microsoft.AspNetCore.Http;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;
using NgsiFlow.Broker.Internal.Registrations;
using NgsiFlow.Broker.Internal.Store;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>
/// Query and update forwarding to the context providers of <c>/v2/registrations</c>, as IoT Agents use it for lazy
/// and command attributes. Local data wins: only attributes the broker does not hold are asked of, or sent to, a
/// provider; providers are asked in registration order, one after the other, at most
/// <see cref="ContextForwarder.Limit"/> times per client request.
/// </summary>
internal sealed partial class BrokerApi
{
    /// <summary>The entity a GET of one entity (its attrs, one attribute, its value) reads: local, completed by providers.</summary>
    private async Task<Entity> ReadOneAsync(HttpContext context, string correlator, IReadOnlyList<string>? attrs, bool skipForwarding)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var id = RouteValue(context, "entityId");
        var type = HttpIo.Param(context, "type");
        var scope = HttpIo.QueryScope(context);
        var forward = !skipForwarding && _forwarder.Reaches(tenant);
        Entity? local = null;
        try
        {
            local = BrokerCore.FindOne(tenant, id, type, scope);
        }
        catch (OrionException e) when (e.Status == 404 && forward)
        {
        }

        if (!forward)
        {
            return local!;
        }

        Entity? merged = null;
        var budget = _forwarder.Limit;
        foreach (var registration in tenant.Registrations)
        {
            if (budget == 0)
            {
                break;
            }

            if (!ProviderMatch.Allows(registration, update: false) || !scope.Contains(registration.ServicePath) || ProviderMatch.Covering(registration, id, type, update: false) is not { } covering)
            {
                continue;
            }

            if (ProviderMatch.AttrsToAsk(registration, attrs, merged ?? local) is not { } ask)
            {
                continue;
            }

            budget--;
            var answer = await _forwarder.QueryAsync(registration, [new RegisteredEntity(id, null, type ?? covering.Type)], ask, 20, tenant.Name, correlator, context.RequestAborted).ConfigureAwait(false);
            foreach (var provided in answer?.Entities ?? [])
            {
                if (string.Equals(provided.Id, id, StringComparison.Ordinal) && (type is null || provided.Type is null || string.Equals(provided.Type, type, StringComparison.Ordinal)))
                {
                    merged ??= local is null ? new Entity(id, provided.Type ?? type ?? covering.Type ?? "Thing", registration.ServicePath) : Snapshot(local);
                    Merge(merged, provided);
                }
            }
        }

        return merged ?? local ?? throw OrionException.EntityNotFound();
    }

    /// <summary>
    /// Completes a list query's local results with what the matching providers answer, after them in registration
    /// order (Orion's order for pagination with providers). Each provider is asked for its first <paramref name="limit"/>
    /// (the page's offset plus limit), which covers any page of the merged list; <c>Beyond</c> counts the entities the
    /// providers hold past those, for Fiware-Total-Count.
    /// </summary>
    private async Task<(List<Entity> Found, long Beyond)> ForwardQueryAsync(TenantIndex tenant, string correlator, EntityQuery query, IReadOnlyList<string>? attrs, List<Entity> found, int limit, CancellationToken cancellationToken)
    {
        if (!_forwarder.Reaches(tenant))
        {
            return (found, 0);
        }

        long beyond = 0;

        IReadOnlyList<EntityMatcher> matchers = query.Matchers.Count > 0 ? query.Matchers : [new EntityMatcher()];
        var result = found;
        Dictionary<(string Id, string Type), int>? positions = null;
        var copied = new HashSet<int>();
        var budget = _forwarder.Limit;
        foreach (var registration in tenant.Registrations)
        {
            if (budget == 0)
            {
                break;
            }

            if (!ProviderMatch.Allows(registration, update: false) || !query.Scope.Contains(registration.ServicePath))
            {
                continue;
            }

            var selectors = matchers.Select(m => ProviderMatch.Selector(registration, m)).OfType<RegisteredEntity>().Distinct().ToList();
            if (selectors.Count == 0)
            {
                continue;
            }

            var local = selectors is [{ Id: { } onlyId }] ? found.Find(e => e.Id == onlyId) : null;
            if (ProviderMatch.AttrsToAsk(registration, attrs, local) is not { } ask)
            {
                continue;
            }

            budget--;
            var answer = await _forwarder.QueryAsync(registration, selectors, ask, limit, tenant.Name, correlator, cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                continue;
            }

            beyond += answer.Total - answer.Entities.Count;
            if (answer.Entities.Count == 0)
            {
                continue;
            }

            if (positions is null)
            {
                result = [.. found];
                positions = [];
                for (var i = 0; i < result.Count; i++)
                {
                    positions.TryAdd((result[i].Id, result[i].Type), i);
                }
            }

            foreach (var provided in answer.Entities)
            {
                var key = (provided.Id, provided.Type ?? selectors[0].Type ?? "Thing");
                if (positions.TryGetValue(key, out var at))
                {
                    if (at < found.Count && copied.Add(at))
                    {
                        result[at] = Snapshot(result[at]);
                    }

                    Merge(result[at], provided);
                }
                else
                {
                    var entity = new Entity(key.Item1, key.Item2, registration.ServicePath);
                    Merge(entity, provided);
                    positions[key] = result.Count;
                    result.Add(entity);
                }
            }
        }

        return (result, beyond);
    }

    /// <summary>
    /// An update (<c>PATCH /attrs</c>, <c>PUT /attrs/{name}</c>, op/update <c>update</c>) of attributes the broker
    /// does not hold locally but a provider registered: those are forwarded, the rest applied locally. Null when
    /// nothing is to be forwarded, so that the caller answers as without registrations.
    /// </summary>
    private async Task<(List<string> NotDone, bool AnyDone)?> UpdateWithForwardingAsync(TenantIndex tenant, string servicePath, string id, string? type, Entity? local, IReadOnlyList<ParsedAttribute> attributes, RequestContext request, CancellationToken cancellationToken)
    {
        if (!_forwarder.Reaches(tenant))
        {
            return null;
        }

        var kept = new List<ParsedAttribute>();
        var forwards = new List<(Registration Registration, List<ParsedAttribute> Attributes)>();
        foreach (var attribute in attributes)
        {
            var held = false;
            if (local is not null)
            {
                lock (local)
                {
                    held = local.Attributes.ContainsKey(attribute.Name);
                }
            }

            var provider = held ? null : tenant.Registrations.FirstOrDefault(r =>
                ProviderMatch.Allows(r, update: true) && string.Equals(r.ServicePath, servicePath, StringComparison.Ordinal)
                && ProviderMatch.Covering(r, id, type, update: true) is not null && (r.Attrs.Count == 0 || r.Attrs.Contains(attribute.Name)));
            if (provider is null)
            {
                kept.Add(attribute);
                continue;
            }

            var index = forwards.FindIndex(f => ReferenceEquals(f.Registration, provider));
            if (index < 0)
            {
                forwards.Add((provider, [attribute]));
            }
            else
            {
                forwards[index].Attributes.Add(attribute);
            }
        }

        if (forwards.Count == 0)
        {
            return null;
        }

        var notDone = new List<string>();
        var anyDone = false;
        var budget = _forwarder.Limit;
        foreach (var (registration, sent) in forwards)
        {
            var ok = budget-- > 0 && await _forwarder.UpdateAsync(registration, id, type ?? local?.Type, sent, tenant.Name, request.Correlator, cancellationToken).ConfigureAwait(false);
            if (ok)
            {
                anyDone = true;
            }
            else
            {
                notDone.AddRange(sent.Select(a => a.Name));
            }
        }

        if (kept.Count > 0)
        {
            if (local is null)
            {
                notDone.AddRange(kept.Select(a => a.Name));
            }
            else
            {
                var refused = await _core.UpdateAsync(tenant, local, kept, UpdateMode.Update, request, cancellationToken).ConfigureAwait(false);
                notDone.AddRange(refused);
                anyDone |= refused.Count < kept.Count;
            }
        }

        return (notDone, anyDone);
    }

    /// <summary>The local entity an update addresses, or null when it has none.</summary>
    private static Entity? FindLocal(TenantIndex tenant, string id, string? type, ServicePathScope scope)
    {
        try
        {
            return BrokerCore.FindOne(tenant, id, type, scope);
        }
        catch (OrionException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static Entity Snapshot(Entity entity)
    {
        lock (entity)
        {
            return entity.Clone();
        }
    }

    /// <summary>Adds a provider's attributes the entity does not have yet (earlier data wins, local first).</summary>
    private static void Merge(Entity target, ParsedEntity provided)
    {
        foreach (var attribute in provided.Attributes)
        {
            if (!target.Attributes.ContainsKey(attribute.Name))
            {
                target.Attributes.Add(attribute.Name, attribute.ToAttribute(default));
            }
        }
    }
}
