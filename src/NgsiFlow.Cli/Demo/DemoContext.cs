using NgsiFlow.Dashboard;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Demo;

/// <summary>What the host gives a running scenario.</summary>
/// <param name="Options">The command's options.</param>
/// <param name="BrokerAddress">The broker (embedded or given).</param>
/// <param name="Fiware">Tenant and service path of the demo's entities.</param>
/// <param name="Feed">The dashboard's feed, or null with <c>--no-dashboard</c>.</param>
/// <param name="DashboardUrl">Where the page is, or null.</param>
/// <param name="Progress">Where the scenario reports progress for the terminal.</param>
internal sealed record DemoContext(
    DemoOptions Options,
    Uri BrokerAddress,
    FiwareContext Fiware,
    DashboardFeed? Feed,
    Uri? DashboardUrl,
    DemoProgress Progress);
