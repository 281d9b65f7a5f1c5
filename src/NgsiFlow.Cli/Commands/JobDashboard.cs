using NgsiFlow.Dashboard;
using NgsiFlow.Jobs;

namespace NgsiFlow.Cli.Commands;

/// <summary>The live page of <c>ngsiflow run</c>: the job's counts and its events, predictions and write-backs per second.</summary>
internal sealed class JobDashboard
{
    private readonly DashboardFeed _feed;
    private readonly TimeSeriesPanel _rates;
    private readonly JobRunner _runner;
    private (long Events, long Predictions, long WriteBacks) _last;
    private DateTimeOffset _lastAt = DateTimeOffset.UtcNow;

    public JobDashboard(DashboardFeed feed, JobRunner runner)
    {
        _feed = feed;
        _runner = runner;
        feed.SetJobName($"{runner.Plan.Spec.Name} ({Path.GetFileName(runner.Plan.Spec.File)})");
        _rates = feed.AddTimeSeries("rates", "Throughput", "per second",
            new ChartSeries("events"), new ChartSeries("predictions"), new ChartSeries("write-backs"));
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
        var c = _runner.Counters.Snapshot();
        var w = _runner.WriteBacks;
        var now = DateTimeOffset.UtcNow;
        var seconds = Math.Max(0.001, (now - _lastAt).TotalSeconds);
        _rates.Add(now, (c.Events - _last.Events) / seconds, (c.Predictions - _last.Predictions) / seconds, (w.Confirmed - _last.WriteBacks) / seconds);
        (_last, _lastAt) = ((c.Events, c.Predictions, w.Confirmed), now);
        _feed.SetValue("Events", c.Events);
        _feed.SetValue("Predictions", c.Predictions);
        _feed.SetValue("Write-backs", w.Confirmed);
        _feed.SetValue("Write-backs failed", w.DeadLettered);
        _feed.SetValue("Skipped", c.Skipped);
        _feed.SetValue("Errors", c.Errors);
    }
}
