using System.Text.RegularExpressions;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Query;

/// <summary>One id/idPattern + type/typePattern element, as in op/query and subscriptions.</summary>
internal sealed class EntityMatcher
{
    public string? Id { get; init; }

    public Regex? IdPattern { get; init; }

    public string? Type { get; init; }

    public Regex? TypePattern { get; init; }

    public bool Matches(string id, string type) =>
        (Id is null || string.Equals(Id, id, StringComparison.Ordinal))
        && (IdPattern is null || IdPattern.IsMatch(id))
        && (Type is null || string.Equals(Type, type, StringComparison.Ordinal))
        && (TypePattern is null || TypePattern.IsMatch(type));

    public static Regex Pattern(string text, string what)
    {
        try
        {
            return new Regex(text, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            throw OrionException.BadRequest($"Invalid regex for {what}");
        }
    }
}

/// <summary>A full entity query: matchers (OR), q, mq and the service-path scope.</summary>
internal sealed class EntityQuery
{
    public IReadOnlyList<EntityMatcher> Matchers { get; init; } = [];

    public SimpleQuery? Q { get; init; }

    public SimpleQuery? Mq { get; init; }

    public required ServicePathScope Scope { get; init; }

    /// <summary>The geographical query, or null.</summary>
    public Geo.GeoFilter? Geo { get; init; }

    public bool Matches(Entity entity)
    {
        if (!Scope.Contains(entity.ServicePath))
        {
            return false;
        }

        if (Matchers.Count > 0)
        {
            var any = false;
            foreach (var matcher in Matchers)
            {
                if (matcher.Matches(entity.Id, entity.Type))
                {
                    any = true;
                    break;
                }
            }

            if (!any)
            {
                return false;
            }
        }

        return (Q is null || Q.Matches(entity)) && (Mq is null || Mq.Matches(entity)) && (Geo is null || Geo.Matches(entity.Location));
    }

    /// <summary>Exact ids when every matcher names one, so that a store can look them up instead of scanning.</summary>
    public IEnumerable<string>? ExactIds()
    {
        if (Matchers.Count == 0)
        {
            return null;
        }

        foreach (var matcher in Matchers)
        {
            if (matcher.Id is null)
            {
                return null;
            }
        }

        return Matchers.Select(m => m.Id!).Distinct();
    }
}
