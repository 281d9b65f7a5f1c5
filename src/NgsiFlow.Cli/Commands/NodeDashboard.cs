using NgsiFlow.Cluster;
using NgsiFlow.Dashboard;

namespace NgsiFlow.Cli.Commands;

/// <summary>A cluster node's live page: its counters, the active members, and events and write-backs per second.</summary>
internal sealed class NodeDashboard
{
    private readonly DashboardFeed _feed;
    private readonly TimeSeriesPanel _rates;
    private readonly ClusterNode _node;
    private ClusterStatistics _last;
    private DateTimeOffset _lastAt = DateTimeOffset.UtcNow;

    public NodeDashboard(DashboardFeed feed, ClusterNode node, string job)
    {
        _feed = feed;
        _node = node;
        _last = node.GetStatistics();
        feed.SetJobName($"{job} on cluster node {node.SiloAddress}");
        _rates = feed.AddTimeSeries("rates", "This node", "per second",
            new ChartSeries("events applied"), new ChartSeries("write-backs"), new ChartSeries("503 answers"));
        feed.SetJobState(DashboardJobState.Running);
    }

    /// <summary>Refreshes the page once a second until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Refresh();
            }
        }
        catch (OperationCanceledException)
        {
            _feed.SetJobState(DashboardJobState.Stopped);
        }
    }

    private void Refresh()
    {
        var s = _node.GetStatistics();
        var now = DateTimeOffset.UtcNow;
        var seconds = Math.Max(0.001, (now - _lastAt).TotalSeconds);
        _rates.Add(now, (s.Applied - _last.Applied) / seconds, (s.WriteBacks - _last.WriteBacks) / seconds, (s.Unavailable - _last.Unavailable) / seconds);
        (_last, _lastAt) = (s, now);
        _feed.SetValue("Active nodes", _node.ActiveSilos.Count);
        _feed.SetValue("Keys active here", s.ActiveKeys);
        _feed.SetValue("Events received", s.Received);
        _feed.SetValue("Events committed", s.Committed);
        _feed.SetValue("Applied here", s.Applied);
        _feed.SetValue("Duplicates skipped", s.Duplicates);
        _feed.SetValue("Write-backs", s.WriteBacks);
        _feed.SetValue("Replayed write-backs", s.Replays);
        _feed.SetValue("503 answers", s.Unavailable);
    }
}
