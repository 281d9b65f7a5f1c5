using System.Diagnostics.Metrics;

namespace NgsiFlow.Dashboard.Tests;

/// <summary>
/// A made-up job that publishes to a feed in the background the way the demos do: predicted against actual
/// strength, the error over time, a histogram per chamber, key values, entities, a subscription and metrics.
/// </summary>
internal sealed class SyntheticScenario : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Meter _meter = new("NgsiFlow.Test.Synthetic");
    private readonly Task _loop;

    public SyntheticScenario(DashboardFeed feed, int pointsPerSecond = 120)
    {
        Feed = feed;
        Strength = feed.AddScatter("strength", "Predicted vs actual strength", "actual strength (MPa)", "predicted strength (MPa)", identityLine: true);
        Error = feed.AddTimeSeries("error", "Prediction error over time", "MPa",
            new ChartSeries("absolute error") { Unit = "MPa" },
            new ChartSeries("running MAE") { Unit = "MPa" });
        Hits = feed.AddHistogram("hits", "Hits per TDC channel group", "channel group", "hits", "chamber 0", "chamber 1", "chamber 2", "chamber 3");
        Regime = feed.AddTimeSeries("regime", "Temperature and predicted regime", "°C",
            new ChartSeries("temperature") { Unit = "°C" },
            new ChartSeries("regime") { RightAxis = true, Stepped = true });
        _loop = Task.Run(() => RunAsync(pointsPerSecond, _stop.Token));
    }

    public DashboardFeed Feed { get; }

    public ScatterPanel Strength { get; }

    public TimeSeriesPanel Error { get; }

    public HistogramPanel Hits { get; }

    public TimeSeriesPanel Regime { get; }

    private async Task RunAsync(int pointsPerSecond, CancellationToken cancellationToken)
    {
        var events = _meter.CreateCounter<long>("ngsiflow.engine.events", description: "events per stage");
        var latency = _meter.CreateHistogram<double>("ngsiflow.connector.latency", unit: "ms");
        var batch = _meter.CreateHistogram<double>("ngsiflow.engine.batch.duration", unit: "ms");
        var random = new Random(7);
        var counts = new double[4][];
        for (var c = 0; c < 4; c++)
        {
            counts[c] = new double[16];
        }

        var labels = Enumerable.Range(0, 16).Select(i => $"{i * 4}").ToArray();
        double absSum = 0;
        long n = 0;
        Feed.SetJobState(DashboardJobState.Running, "replaying 1,030 rows at 120/s");
        Feed.SetSubscriptionStatus(new DashboardSubscription
        {
            Id = "6569a1f0c3e2b7a4d0e1f234",
            Status = "active",
            Description = "Material: cement, slag, ash, water, superplastic, coarseagg, fineagg, age",
            TimesSent = 0,
        });

        var delay = TimeSpan.FromSeconds(10.0 / pointsPerSecond);
        while (!cancellationToken.IsCancellationRequested)
        {
            for (var k = 0; k < 10; k++)
            {
                n++;
                var actual = 5 + (random.NextDouble() * 75);
                var predicted = actual + (Normal(random) * (2 + (actual * 0.06)));
                var error = Math.Abs(predicted - actual);
                absSum += error;
                Strength.Add(actual, predicted);
                var now = DateTimeOffset.UtcNow;
                Error.Add(now, error, absSum / n);
                var phase = (n / 400) % 3;
                Regime.Add(now, 40 + (phase * 12) + (Normal(random) * 1.5), phase);
                Feed.SetValue("Updates sent", n + 3);
                Feed.SetValue("Predictions written", n);
                Feed.SetValue("Running MAE", absSum / n, "MPa", decimals: 2);
                Feed.SetValue("Lost", 0);
                var chamber = random.Next(4);
                counts[chamber][Math.Clamp((int)(8 + (Normal(random) * 3.5)), 0, 15)]++;
                events.Add(1, new KeyValuePair<string, object?>("stage", "parse"));
                events.Add(1, new KeyValuePair<string, object?>("stage", "predict"));
                latency.Record(2 + (random.NextDouble() * 3) + (random.NextDouble() < 0.02 ? 8 : 0));
                var id = $"Concrete:{n % 8:000}";
                Feed.UpsertEntity(id, "Material", new Dictionary<string, object?>
                {
                    ["cement"] = Math.Round(140 + (random.NextDouble() * 400), 1),
                    ["slag"] = Math.Round(random.NextDouble() * 200, 1),
                    ["ash"] = Math.Round(random.NextDouble() * 120, 1),
                    ["water"] = Math.Round(150 + (random.NextDouble() * 60), 1),
                    ["superplastic"] = Math.Round(random.NextDouble() * 12, 1),
                    ["age"] = random.Next(1, 365),
                    ["strength"] = Math.Round(actual, 2),
                    ["predicted_strength"] = Math.Round(predicted, 2),
                    ["prediction_error"] = Math.Round(error, 2),
                });
            }

            batch.Record(0.4 + random.NextDouble());
            Feed.SetSubscriptionStatus(new DashboardSubscription
            {
                Id = "6569a1f0c3e2b7a4d0e1f234",
                Status = "active",
                Description = "Material: cement, slag, ash, water, superplastic, coarseagg, fineagg, age",
                TimesSent = n,
                LastNotification = DateTimeOffset.UtcNow,
                LastSuccess = DateTimeOffset.UtcNow,
            });
            Hits.Set(labels, counts[0], counts[1], counts[2], counts[3]);
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _meter.Dispose();
    }
}
