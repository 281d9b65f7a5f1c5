using System.Net.Sockets;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Dashboard;
using NgsiFlow.Ngsi;
using Spectre.Console;

namespace NgsiFlow.Cli.Demo;

/// <summary>Runs a scenario with what every scenario shares: the broker, the dashboard, the terminal and the summary file.</summary>
internal static class DemoHost
{
    /// <summary>The tutorial's tenant and service path.</summary>
    public static FiwareContext Fiware { get; } = new("tutorial", "/pyspark", null);

    /// <summary>Runs <paramref name="scenario"/>; returns the exit code (0 when nothing was lost).</summary>
    public static async Task<int> RunAsync(IDemoScenario scenario, DemoOptions options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        scenario.Prepare(options);
        console.MarkupLine($"[bold]NgsiFlow demo[/]: {Markup.Escape(scenario.Title)}");

        await using var broker = await StartBrokerAsync(options, cancellationToken).ConfigureAwait(false);
        var brokerAddress = broker?.BaseAddress ?? options.Broker!;
        await CheckBrokerAsync(brokerAddress, cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"  broker     {Markup.Escape(brokerAddress.ToString())} ({(broker is null ? "given" : "embedded")})");
        console.MarkupLine($"  context    tenant [blue]{Fiware.Tenant}[/], service path [blue]{Fiware.ServicePath}[/]");

        await using var feed = options.NoDashboard ? null : new DashboardFeed(new DashboardFeedOptions { JobName = scenario.Title });
        await using var dashboard = feed is null ? null : await StartDashboardAsync(feed, options.DashboardPort, cancellationToken).ConfigureAwait(false);
        if (dashboard is not null)
        {
            console.MarkupLine($"  dashboard  [link]{Markup.Escape(dashboard.BaseAddress.ToString())}[/] (open it in a browser)");
        }

        var progress = new DemoProgress();
        var context = new DemoContext(options, brokerAddress, Fiware, feed, dashboard?.BaseAddress, progress);
        try
        {
            var run = scenario.RunAsync(context, cancellationToken);
            await DemoConsole.ShowProgressAsync(console, progress, run).ConfigureAwait(false);
            var summary = await run.ConfigureAwait(false);

            DemoConsole.ShowSummary(console, summary);
            if (options.SummaryJson is { } path)
            {
                await summary.WriteJsonAsync(path, cancellationToken).ConfigureAwait(false);
                console.MarkupLine($"Summary written to {Markup.Escape(Path.GetFullPath(path))}");
            }

            if (options.KeepRunning)
            {
                console.MarkupLine("Broker, job and dashboard keep running (try a PATCH on the entity); Ctrl+C stops them.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    console.MarkupLine("Stopping.");
                }
            }

            return summary.Lost == 0 ? 0 : 3;
        }
        finally
        {
            await scenario.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<ContextBroker?> StartBrokerAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        if (options.Broker is not null)
        {
            return null;
        }

        try
        {
            return await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new DemoException("Cannot start the embedded broker: " + ex.Message, ex);
        }
    }

    private static async Task CheckBrokerAsync(Uri address, CancellationToken cancellationToken)
    {
        using var client = new NgsiV2Client(new NgsiClientOptions
        {
            BaseAddress = address,
            ConnectTimeout = TimeSpan.FromSeconds(3),
            RequestTimeout = TimeSpan.FromSeconds(5),
            Retry = new NgsiRetryOptions { MaxRetries = 0 },
        });
        try
        {
            await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or NgsiClientException or SocketException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DemoException($"The broker at {address} is unreachable or is not an NGSI-v2 broker (GET {address}version failed: {ex.Message}). Start it, fix --broker, or leave --broker out to use the embedded one.", ex);
        }
    }

    private static async Task<DashboardServer> StartDashboardAsync(DashboardFeed feed, int port, CancellationToken cancellationToken)
    {
        try
        {
            return await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = port }, cancellationToken).ConfigureAwait(false);
        }
        catch (DashboardPortInUseException ex)
        {
            throw new DemoException($"The dashboard cannot listen on port {ex.Port}: the port is in use. Choose another with --dashboard-port (0 picks a free one), or use --no-dashboard.", ex);
        }
    }
}
