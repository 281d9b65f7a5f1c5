using System.Globalization;
using NgsiFlow.Cli.Pipelines.Detector;
using NgsiFlow.Dashboard;

namespace NgsiFlow.Cli.Demo.Detector;

/// <summary>The detector's panels: hits per chamber, and per chamber the channel histogram and the active-channels-per-orbit histogram of the latest batch.</summary>
internal sealed class DetectorDashboard
{
    private static readonly string[] ChamberNames = ["chamber 0", "chamber 1", "chamber 2", "chamber 3"];
    private readonly DashboardFeed _feed;
    private readonly HistogramPanel _hits;
    private readonly TimeSeriesPanel _rate;
    private readonly HistogramPanel[] _channels = new HistogramPanel[DetectorHit.ChamberCount];
    private readonly HistogramPanel[] _orbits = new HistogramPanel[DetectorHit.ChamberCount];
    private long _records;
    private long _batches;

    /// <summary>Adds the panels to the feed.</summary>
    /// <param name="feed">The dashboard's feed.</param>
    public DetectorDashboard(DashboardFeed feed)
    {
        _feed = feed;
        _hits = feed.AddHistogram("hits-per-chamber", "Hits per chamber (latest batch)", "chamber", "hits", "hits");
        _rate = feed.AddTimeSeries("hit-rate", "Clean hits per second, by chamber", "hits/s",
            [.. ChamberNames.Select(n => new ChartSeries(n) { Unit = "hits/s" })]);
        for (var c = 0; c < DetectorHit.ChamberCount; c++)
        {
            var first = (c % 2) * DetectorHit.ChannelsPerChamber;
            _channels[c] = feed.AddHistogram($"channels-{c}", $"Chamber {c} · hits per channel {first}–{first + 63}", "TDC channel", "hits", "hits");
        }

        for (var c = 0; c < DetectorHit.ChamberCount; c++)
        {
            _orbits[c] = feed.AddHistogram($"orbits-{c}", $"Chamber {c} · active channels per orbit", "active channels", "orbits", "orbits");
        }
    }

    /// <summary>Shows a batch result.</summary>
    /// <param name="result">The result.</param>
    public void Show(DetectorBatchResult result)
    {
        _records += result.Records;
        _batches++;
        _hits.Set(ChamberNames, [.. result.Chambers.Select(c => (double)c.Hits)]);
        var seconds = Math.Max((result.End - result.Start).TotalSeconds, 1e-3);
        _rate.Add(result.End, [.. result.Chambers.Select(c => c.Hits / seconds)]);
        foreach (var chamber in result.Chambers)
        {
            var labels = Enumerable.Range(chamber.FirstChannel, chamber.ChannelCounts.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            _channels[chamber.Chamber].Set(labels, [.. chamber.ChannelCounts.Select(v => (double)v)]);
            var last = Math.Max(8, Array.FindLastIndex(chamber.ActiveChannelsPerOrbit, v => v > 0));
            var bins = Enumerable.Range(1, last).ToArray();
            _orbits[chamber.Chamber].Set([.. bins.Select(b => b.ToString(CultureInfo.InvariantCulture))], [.. bins.Select(b => (double)chamber.ActiveChannelsPerOrbit[b])]);
        }

        _feed.SetValue("Records processed", _records);
        _feed.SetValue("Batches", _batches);
        _feed.SetValue("Clean hits (last batch)", result.CleanHits);
        _feed.SetValue("Triggers (last batch)", result.Triggers);
        _feed.SetValue("Records/s (last batch)", result.Records / seconds, "1/s", 0);
    }
}
