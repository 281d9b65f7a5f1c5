using NgsiFlow.Cli.Pipelines.Regimes;
using NgsiFlow.Dashboard;

namespace NgsiFlow.Cli.Demo.Regimes;

/// <summary>The regimes panels: temperature with the predicted regime (stepped, right axis) and predictions per regime.</summary>
internal sealed class RegimesDashboard
{
    private readonly DashboardFeed _feed;
    private readonly TimeSeriesPanel _series;
    private readonly HistogramPanel _counts;
    private readonly double[] _perRegime = new double[3];
    private readonly string _machine;
    private long _predictions;
    private long _agreeing;

    /// <summary>Adds the panels.</summary>
    /// <param name="feed">The dashboard's feed.</param>
    /// <param name="machine">The machine whose series is plotted.</param>
    public RegimesDashboard(DashboardFeed feed, string machine)
    {
        _feed = feed;
        _machine = machine;
        _series = feed.AddTimeSeries("temperature-regime", $"{machine} · temperature and regime", "°C",
            new ChartSeries("temperature") { Unit = "°C" },
            new ChartSeries("regime 0 idle, 1 working, 2 overload") { RightAxis = true, Stepped = true });
        _counts = feed.AddHistogram("regime-counts", "Predictions per regime", "regime", "readings", "predictions");
    }

    /// <summary>Shows a prediction.</summary>
    /// <param name="p">The prediction.</param>
    /// <param name="kmeansRegime">The k-means model's regime for the same features.</param>
    public void Show(RegimePrediction p, int kmeansRegime)
    {
        _predictions++;
        _perRegime[p.RegimeIndex]++;
        if (p.RegimeIndex == kmeansRegime)
        {
            _agreeing++;
        }

        if (p.Reading.Machine == _machine)
        {
            _series.Add(p.Reading.Time, p.Reading.Temperature, p.RegimeIndex);
        }

        if (_predictions % 25 == 1)
        {
            _counts.Set(RegimeClassifier.Regimes, _perRegime);
        }

        _feed.SetValue("Predictions", _predictions);
        _feed.SetValue("Temperature", p.Reading.Temperature, "°C", 1);
        _feed.SetValue("Agreement with k-means", 100.0 * _agreeing / _predictions, "%", 1);
    }

    /// <summary>Shows the final counts.</summary>
    public void Finish() => _counts.Set(RegimeClassifier.Regimes, _perRegime);
}
