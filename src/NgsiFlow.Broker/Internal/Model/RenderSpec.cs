namespace NgsiFlow.Broker.Internal.Model;

/// <summary>What to render of an entity: format, the attrs/metadata filters, and notification-only extras.</summary>
internal sealed class RenderSpec
{
    public static readonly RenderSpec Normalized = new();

    public RenderFormat Format { get; init; }

    /// <summary>Attribute names to include, in order; null means every user attribute. May hold "*" and builtins.</summary>
    public IReadOnlyList<string>? Attrs { get; init; }

    /// <summary>Attributes to leave out (subscriptions' exceptAttrs).</summary>
    public IReadOnlyList<string>? ExceptAttrs { get; init; }

    /// <summary>Whether attributes in <see cref="Attrs"/> that the entity lacks are rendered as null of type None (subscriptions' <c>covered</c>).</summary>
    public bool Covered { get; init; }

    /// <summary>Metadata names to include; null means every user metadata. May hold "*" and builtins.</summary>
    public IReadOnlyList<string>? Metadata { get; init; }

    /// <summary>Whether a filter names the builtin <paramref name="name"/> explicitly.</summary>
    public static bool Names(IReadOnlyList<string>? filter, string name)
    {
        if (filter is null)
        {
            return false;
        }

        foreach (var item in filter)
        {
            if (string.Equals(item, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a user attribute (or metadata) passes a filter that may use "*".</summary>
    public static bool Includes(IReadOnlyList<string>? filter, string name)
    {
        if (filter is null || filter.Count == 0)
        {
            return true;
        }

        foreach (var item in filter)
        {
            if (item == "*" || string.Equals(item, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the filter holds only builtins, so that user items are excluded.</summary>
    public static bool OnlyBuiltins(IReadOnlyList<string>? filter, Func<string, bool> isBuiltin)
    {
        if (filter is null || filter.Count == 0)
        {
            return false;
        }

        foreach (var item in filter)
        {
            if (!isBuiltin(item))
            {
                return false;
            }
        }

        return true;
    }
}
