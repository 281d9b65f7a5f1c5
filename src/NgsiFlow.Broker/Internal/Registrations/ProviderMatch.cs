using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;

namespace NgsiFlow.Broker.Internal.Registrations;

/// <summary>
/// Which registrations a query or update reaches, with Orion's rules: a registration without an entity type matches
/// any type; one with a type matches a query naming that type or none, and an update only when it names that type;
/// attributes found locally are never forwarded; a
/// registration listing attributes is asked only for those the request wants.
/// </summary>
internal static class ProviderMatch
{
    public static bool Allows(Registration registration, bool update) =>
        registration.ForwardingMode == "all" || registration.ForwardingMode == (update ? "update" : "query");

    /// <summary>The registration's selector covering entity <paramref name="id"/> of <paramref name="type"/> (null when the request names none), or null.</summary>
    public static RegisteredEntity? Covering(Registration registration, string id, string? type, bool update)
    {
        foreach (var entity in registration.Entities)
        {
            var idMatches = entity.Id is null || string.Equals(entity.Id, id, StringComparison.Ordinal);
            var typeMatches = entity.Type is null || (type is null ? !update : string.Equals(entity.Type, type, StringComparison.Ordinal));
            if (idMatches && typeMatches)
            {
                return entity;
            }
        }

        return null;
    }

    /// <summary>What to ask a registration for a query matcher (one element of op/query's entities, or the URL's id/type).</summary>
    public static RegisteredEntity? Selector(Registration registration, EntityMatcher matcher)
    {
        foreach (var entity in registration.Entities)
        {
            if (entity.Type is not null && matcher.Type is not null && !string.Equals(matcher.Type, entity.Type, StringComparison.Ordinal))
            {
                continue;
            }

            if (entity.Type is not null && matcher.TypePattern?.IsMatch(entity.Type) == false)
            {
                continue;
            }

            var type = entity.Type ?? matcher.Type;
            if (matcher.Id is { } id)
            {
                if (entity.Id is null || string.Equals(entity.Id, id, StringComparison.Ordinal))
                {
                    return new RegisteredEntity(id, null, type);
                }

                continue;
            }

            if (entity.Id is { } registeredId)
            {
                if (matcher.IdPattern is null || matcher.IdPattern.IsMatch(registeredId))
                {
                    return new RegisteredEntity(registeredId, null, type);
                }

                continue;
            }

            return new RegisteredEntity(null, matcher.IdPattern?.ToString() ?? entity.IdPattern ?? ".*", type);
        }

        return null;
    }

    /// <summary>
    /// The attributes to ask <paramref name="registration"/> for, given the request's <paramref name="requested"/>
    /// ones (null for all) and those <paramref name="local"/> already has; null when there is nothing to ask.
    /// </summary>
    public static List<string>? AttrsToAsk(Registration registration, IReadOnlyList<string>? requested, Entity? local)
    {
        var wanted = UserAttrs(requested);
        List<string> ask;
        if (registration.Attrs.Count > 0)
        {
            ask = wanted is null ? [.. registration.Attrs] : [.. registration.Attrs.Where(wanted.Contains)];
        }
        else
        {
            ask = wanted is null ? [] : [.. wanted];
        }

        if (local is not null)
        {
            lock (local)
            {
                ask.RemoveAll(local.Attributes.ContainsKey);
            }
        }

        if (ask.Count == 0 && (registration.Attrs.Count > 0 || wanted is { Count: > 0 }))
        {
            return null;
        }

        return ask;
    }

    /// <summary>The user attributes of an attrs filter; null when it asks for all of them.</summary>
    private static List<string>? UserAttrs(IReadOnlyList<string>? requested)
    {
        if (requested is null || requested.Count == 0 || requested.Contains("*"))
        {
            return null;
        }

        return [.. requested.Where(a => !EntityWriter.IsBuiltinAttribute(a) && a != "dateExpires")];
    }
}
