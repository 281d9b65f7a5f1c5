using NgsiFlow.Dashboard;
using RabbitMQ.Client;
using Spectre.Console;

namespace NgsiFlow.Cli.Pipelines;

/// <summary>What the pipeline demos share: the dashboard server, the RabbitMQ check, and clear errors.</summary>
internal static class PipelineDemoHost
{
    /// <summary>Starts the dashboard server.</summary>
    /// <param name="feed">Its feed.</param>
    /// <param name="port">The port (0: any free one).</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>The server.</returns>
    /// <exception cref="PipelineDemoException">The port is in use.</exception>
    public static async Task<DashboardServer> StartAsync(DashboardFeed feed, int port, CancellationToken cancellationToken)
    {
        try
        {
            return await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = port }, cancellationToken).ConfigureAwait(false);
        }
        catch (DashboardPortInUseException ex)
        {
            throw new PipelineDemoException($"The dashboard cannot listen on port {ex.Port}: the port is in use. Choose another with --dashboard-port (0 picks a free one), or use --no-dashboard.", ex);
        }
    }

    /// <summary>Checks that RabbitMQ answers, before anything is declared.</summary>
    /// <param name="uri">The server.</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>Completes when it answered.</returns>
    /// <exception cref="PipelineDemoException">It does not.</exception>
    public static async Task CheckRabbitMqAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            var factory = new ConnectionFactory { Uri = uri, RequestedConnectionTimeout = TimeSpan.FromSeconds(5) };
            await using var connection = await factory.CreateConnectionAsync("ngsiflow demo check", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            throw new PipelineDemoException($"RabbitMQ at {Redact(uri)} is unreachable ({ex.GetBaseException().Message}). Start it, fix --rabbitmq, or leave --rabbitmq out to run in process.", ex);
        }
    }

    /// <summary>An address without its password, for the terminal.</summary>
    /// <param name="uri">The address.</param>
    /// <returns>The text.</returns>
    public static string Redact(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (string.IsNullOrEmpty(uri.UserInfo))
        {
            return uri.ToString();
        }

        var builder = new UriBuilder(uri) { Password = uri.UserInfo.Contains(':', StringComparison.Ordinal) ? "***" : string.Empty };
        return builder.Uri.ToString();
    }

    /// <summary>
    /// Ends a demo run: shows the summary, writes it as JSON when asked, and keeps the dashboard up until Ctrl+C when
    /// asked (and one is running).
    /// </summary>
    /// <param name="summary">The run's summary.</param>
    /// <param name="title">The summary table's title.</param>
    /// <param name="options">The demo's options.</param>
    /// <param name="hasDashboard">Whether a dashboard is being served.</param>
    /// <param name="console">The terminal.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>Completes when done (after Ctrl+C when the dashboard is kept).</returns>
    public static async Task FinishAsync(PipelineSummary summary, string title, PipelineDemoOptions options, bool hasDashboard, IAnsiConsole console, CancellationToken cancellationToken)
    {
        summary.Show(console, title);
        if (options.SummaryJson is { } path)
        {
            await summary.WriteJsonAsync(path, cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"Summary written to {Markup.Escape(Path.GetFullPath(path))}");
        }

        if (options.KeepRunning && hasDashboard)
        {
            console.MarkupLine("The dashboard keeps running; Ctrl+C stops it.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the normal end.
            }
        }
    }
}

/// <summary>A pipeline demo cannot run: the message says why and what to do.</summary>
internal sealed class PipelineDemoException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PipelineDemoException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public PipelineDemoException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="inner">The cause.</param>
    public PipelineDemoException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
