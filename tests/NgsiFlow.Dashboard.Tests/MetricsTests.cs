using System.Diagnostics.Metrics;
using System.Text.Json;

namespace NgsiFlow.Dashboard.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Tick_with_metrics_reports_totals_percentiles_and_gauges_of_NgsiFlow_meters_only()
    {
        var meterName = "NgsiFlow.Test.Metrics." + Guid.NewGuid().ToString("N");
        var otherName = "Other.Test." + Guid.NewGuid().ToString("N");
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        using var meter = new Meter(meterName);
        using var other = new Meter(otherName);
        var counter = meter.CreateCounter<long>("test.events");
        var histogram = meter.CreateHistogram<double>("test.latency", unit: "ms");
        var depth = 42;
        meter.CreateObservableGauge("test.queue.depth", () => depth);
        other.CreateCounter<int>("ignored").Add(5);

        for (var i = 0; i < 5; i++)
        {
            counter.Add(2, new KeyValuePair<string, object?>("stage", "parse"));
        }

        counter.Add(7, new KeyValuePair<string, object?>("stage", "predict"));
        foreach (var v in Enumerable.Range(1, 100).Reverse())
        {
            histogram.Record(v);
        }

        var json = FrameJson.Parse(feed.Tick(sampleMetrics: true)!);

        var rows = json.GetProperty("metrics").GetProperty("rows").EnumerateArray()
            .Where(r => r.GetProperty("meter").GetString() is { } m && (m == meterName || m == otherName))
            .ToList();
        Row(rows, "test.events", "stage=parse").GetProperty("total").GetDouble().ShouldBe(10);
        Row(rows, "test.events", "stage=predict").GetProperty("total").GetDouble().ShouldBe(7);
        var latency = Row(rows, "test.latency", "");
        latency.GetProperty("total").GetDouble().ShouldBe(100);
        latency.GetProperty("p50").GetDouble().ShouldBe(50);
        latency.GetProperty("p99").GetDouble().ShouldBe(99);
        latency.GetProperty("mean").GetDouble().ShouldBe(50.5);
        latency.GetProperty("unit").GetString().ShouldBe("ms");
        Row(rows, "test.queue.depth", "").GetProperty("value").GetDouble().ShouldBe(42);
        rows.ShouldNotContain(r => r.GetProperty("meter").GetString() == otherName);

        var history = json.GetProperty("metrics").GetProperty("history")[0];
        history.GetProperty("rate").GetProperty("test.events").GetDouble().ShouldBeGreaterThan(0);
        history.GetProperty("p99").GetProperty("test.latency").GetDouble().ShouldBe(99);
        history.GetProperty("p50").GetProperty("test.latency").GetDouble().ShouldBe(50);
    }

    [Fact]
    public async Task Tick_with_metrics_twice_reports_rate_of_the_second_interval_only()
    {
        var meterName = "NgsiFlow.Test.Rates." + Guid.NewGuid().ToString("N");
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        using var meter = new Meter(meterName);
        var counter = meter.CreateCounter<long>("rated");
        counter.Add(1000);
        feed.Tick(sampleMetrics: true);

        var json = FrameJson.Parse(feed.Tick(sampleMetrics: true)!);

        var row = json.GetProperty("metrics").GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("meter").GetString() == meterName);
        row.GetProperty("total").GetDouble().ShouldBe(1000);
        row.GetProperty("rate").GetDouble().ShouldBe(0);
    }

    [Fact]
    public async Task Snapshot_after_metric_samples_holds_the_history()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        for (var i = 0; i < 3; i++)
        {
            feed.Tick(sampleMetrics: true);
        }

        var json = FrameJson.Parse(feed.BuildSnapshot());

        json.GetProperty("metrics").GetProperty("history").GetArrayLength().ShouldBe(3);
    }

    private static JsonElement Row(List<JsonElement> rows, string name, string tags) =>
        rows.Single(r => r.GetProperty("name").GetString() == name && r.GetProperty("tags").GetString() == tags);
}
