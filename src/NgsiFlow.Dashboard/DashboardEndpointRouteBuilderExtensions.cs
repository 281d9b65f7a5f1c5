using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard;

/// <summary>Maps the dashboard into an existing ASP.NET Core application.</summary>
public static class DashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the dashboard of <paramref name="feed"/> under <paramref name="prefix"/>: the page at the prefix, its
    /// files (embedded in the assembly, so it works offline), the server-sent event stream at <c>events</c> and a JSON
    /// snapshot at <c>api/snapshot</c>.
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder (a <c>WebApplication</c>).</param>
    /// <param name="feed">The feed to show.</param>
    /// <param name="prefix">The path the page lives at, such as <c>/</c> or <c>/dashboard</c>.</param>
    /// <returns>The route group, to add conventions such as authorization.</returns>
    /// <exception cref="ArgumentException">The prefix does not start with <c>/</c>.</exception>
    public static IEndpointConventionBuilder MapNgsiFlowDashboard(this IEndpointRouteBuilder endpoints, DashboardFeed feed, [StringSyntax("Route")] string prefix = "/")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(feed);
        if (string.IsNullOrEmpty(prefix) || prefix[0] != '/' || prefix.Contains('{', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The dashboard prefix must be a literal path starting with '/' (was '{prefix}').", nameof(prefix));
        }

        var group = endpoints.MapGroup(prefix.TrimEnd('/'));
        group.MapGet("/", DashboardEndpoints.ServeIndexAsync);
        group.MapGet("/events", context => DashboardEndpoints.StreamEventsAsync(context, feed));
        group.MapGet("/api/snapshot", context => DashboardEndpoints.ServeSnapshotAsync(context, feed));
        foreach (var asset in StaticAssets.All.Values)
        {
            if (asset.Path != "index.html")
            {
                group.MapGet("/" + asset.Path, context => DashboardEndpoints.ServeAssetAsync(context, asset));
            }
        }

        return group;
    }
}
