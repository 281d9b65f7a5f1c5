using NgsiFlow.Dashboard;

namespace NgsiFlow.Cli.Demo.Edge;

/// <summary>The edge panels: ingest rate per second, and records per output (sensors, alerts, dead letter).</summary>
internal sealed class EdgeDashboard
{
    private readonly DashboardFeed _feed;
    private readonly TimeSeriesPanel _rate;
    private readonly HistogramPanel _routes;
    private readonly string[] _outputs;
    private long _lastTotal;

    /// <summary>Adds the panels.</summary>
    /// <param name="feed">The dashboard's feed.</param>
    /// <param name="outputs">The outputs' names, in display order.</param>
    public EdgeDashboard(DashboardFeed feed, string[] outputs)
    {
        _feed = feed;
        _outputs = outputs;
        _rate = feed.AddTimeSeries("ingest-rate", "Records ingested per second", "records/s", "ingested");
        _routes = feed.AddHistogram("routes", "Records per output", "output", "records", "records");
    }

    /// <summary>Shows the counts once a second.</summary>
    /// <param name="time">Now.</param>
    /// <param name="ingested">Records taken by the ingest endpoint so far.</param>
    /// <param name="perOutput">Records per output so far, in the order given to the constructor.</param>
    /// <param name="entities">Device entities upserted so far.</param>
    public void Tick(DateTimeOffset time, long ingested, IReadOnlyList<long> perOutput, long entities)
    {
        _rate.Add(time, ingested - _lastTotal);
        _lastTotal = ingested;
        _routes.Set(_outputs, [.. perOutput.Select(c => (double)c)]);
        _feed.SetValue("Records ingested", ingested);
        _feed.SetValue("Dead letters", perOutput[^1]);
        _feed.SetValue("Entity upserts", entities);
    }
}
