namespace NgsiFlow.Broker.Internal.Query;

/// <summary>
/// The service paths a request or subscription covers: up to ten paths, each exact or recursive (<c>/a/#</c>).
/// </summary>
internal sealed class ServicePathScope
{
    public static readonly ServicePathScope All = new([("/", true)]);

    public static readonly ServicePathScope Root = new([("/", false)]);

    private readonly (string Path, bool Recursive)[] _paths;

    public ServicePathScope((string Path, bool Recursive)[] paths) => _paths = paths;

    /// <summary>The header text the scope came from, for subscriptions and notifications.</summary>
    public string Text => string.Join(", ", _paths.Select(p => p.Recursive ? (p.Path == "/" ? "/#" : p.Path + "/#") : p.Path));

    public bool Contains(string servicePath)
    {
        foreach (var (path, recursive) in _paths)
        {
            if (string.Equals(path, servicePath, StringComparison.Ordinal))
            {
                return true;
            }

            if (recursive && (path == "/" || (servicePath.Length > path.Length && servicePath[path.Length] == '/' && servicePath.StartsWith(path, StringComparison.Ordinal))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses a Fiware-ServicePath header with Orion's rules and texts.</summary>
    /// <param name="header">The header value, null when absent.</param>
    /// <param name="forUpdate">Updates take exactly one non-recursive path; queries up to ten, recursive allowed.</param>
    /// <param name="defaultScope">The scope when the header is absent.</param>
    public static ServicePathScope Parse(string? header, bool forUpdate, string defaultScope)
    {
        var text = string.IsNullOrWhiteSpace(header) ? defaultScope : header;
        switch (text)
        {
            case "/":
                return Root;
            case "/#" when !forUpdate:
                return All;
        }

        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length > 10)
        {
            throw OrionException.BadRequest("too many service paths - a maximum of ten service paths is allowed");
        }

        if (forUpdate && items.Length > 1)
        {
            throw OrionException.BadRequest("more than one service path in context update request");
        }

        var paths = new (string, bool)[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (!item.StartsWith('/'))
            {
                throw OrionException.BadRequest("Only /absolute/ Service Paths allowed [a service path must begin with /]");
            }

            var recursive = false;
            if (item.EndsWith("/#", StringComparison.Ordinal))
            {
                if (forUpdate)
                {
                    throw OrionException.BadRequest("service path cannot contain '#' in an update request");
                }

                recursive = true;
                item = item.Length == 2 ? "/" : item[..^2];
            }

            if (item.Length > 1 && item.EndsWith('/'))
            {
                item = item.TrimEnd('/');
            }

            var components = item.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (components.Length > 10)
            {
                throw OrionException.BadRequest("too many components in ServicePath");
            }

            foreach (var component in components)
            {
                if (component.Length > 50)
                {
                    throw OrionException.BadRequest("component-name too long in ServicePath");
                }

                foreach (var c in component)
                {
                    if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                    {
                        throw OrionException.BadRequest("a component of ServicePath contains an illegal character");
                    }
                }
            }

            paths[i] = (item.Length == 0 ? "/" : item, recursive);
        }

        return new ServicePathScope(paths);
    }

    /// <summary>The scope of exactly one non-recursive path.</summary>
    public static ServicePathScope Exact(string path) => path == "/" ? Root : new([(path, false)]);

    /// <summary>The single path of an update scope.</summary>
    public string Single => _paths[0].Path;
}
