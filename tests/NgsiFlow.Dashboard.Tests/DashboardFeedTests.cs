using System.Text.Json;

namespace NgsiFlow.Dashboard.Tests;

public sealed class DashboardFeedTests
{
    private static DashboardFeed ManualFeed(int maxPoints = 2000, int maxEntities = 200, int queue = 16) =>
        new(new DashboardFeedOptions { ManualTicks = true, CollectMetrics = false, MaxPointsPerPanel = maxPoints, MaxEntities = maxEntities, ClientQueueFrames = queue });

    [Fact]
    public async Task Tick_after_thousands_of_points_sends_one_frame_with_the_most_recent()
    {
        await using var feed = ManualFeed(maxPoints: 1000);
        var scatter = feed.AddScatter("s", "S", "x", "y");
        for (var i = 0; i < 5000; i++)
        {
            scatter.Add(i, 2 * i);
            feed.SetValue("count", i);
        }

        var frame = feed.Tick(sampleMetrics: false);

        frame.ShouldNotBeNull();
        var json = FrameJson.Parse(frame);
        json.GetProperty("type").GetString().ShouldBe("update");
        var panel = FrameJson.Panel(json, "s")!.Value;
        panel.GetProperty("def").GetProperty("kind").GetString().ShouldBe("scatter");
        var points = FrameJson.Points(panel);
        points.Length.ShouldBe(1000);
        points[0].ShouldBe([4000d, 8000d]);
        points[^1].ShouldBe([4999d, 9998d]);
        panel.GetProperty("total").GetInt64().ShouldBe(5000);
        var values = json.GetProperty("values").EnumerateArray().ToList();
        values.Count.ShouldBe(1);
        values[0].GetProperty("value").GetDouble().ShouldBe(4999);
        feed.Tick(sampleMetrics: false).ShouldBeNull();
    }

    [Fact]
    public async Task Tick_on_announced_panel_sends_only_new_points()
    {
        await using var feed = ManualFeed();
        var series = feed.AddTimeSeries("t", "T", "units", "a", "b");
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        series.Add(t0, 1, 2);
        feed.Tick(false).ShouldNotBeNull();
        series.Add(t0.AddSeconds(1), 3, double.NaN);

        var json = FrameJson.Parse(feed.Tick(false)!);

        var panel = FrameJson.Panel(json, "t")!.Value;
        panel.TryGetProperty("def", out _).ShouldBeFalse();
        panel.GetProperty("points").GetRawText().ShouldBe("[[1700000001,3,null]]");
    }

    [Fact]
    public async Task BuildSnapshot_after_updates_holds_committed_state_and_last_seq()
    {
        await using var feed = ManualFeed();
        var scatter = feed.AddScatter("s", "S", "x", "y", identityLine: true);
        scatter.Add(1, 1);
        feed.Tick(false);
        scatter.Add(2, 2);
        var second = feed.Tick(false)!;
        scatter.Add(3, 3); // published, not yet committed: belongs to the next frame, not to the snapshot

        var snapshot = feed.BuildSnapshot();

        snapshot.Seq.ShouldBe(second.Seq);
        var json = FrameJson.Parse(snapshot);
        json.GetProperty("type").GetString().ShouldBe("snapshot");
        var panel = FrameJson.Panel(json, "s")!.Value;
        panel.GetProperty("def").GetProperty("identityLine").GetBoolean().ShouldBeTrue();
        FrameJson.Points(panel).Select(p => p[0]).ShouldBe([1d, 2d]);
        FrameJson.Points(FrameJson.Panel(FrameJson.Parse(feed.Tick(false)!), "s")!.Value).Select(p => p[0]).ShouldBe([3d]);
    }

    [Fact]
    public async Task Offer_to_a_client_that_never_reads_drops_frames_and_never_blocks_the_publisher()
    {
        await using var feed = ManualFeed(queue: 4);
        var scatter = feed.AddScatter("s", "S", "x", "y");
        var slow = feed.Connect();
        var reader = feed.Connect();

        await Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                for (var k = 0; k < 100; k++)
                {
                    scatter.Add(i, k);
                }

                feed.Tick(false);
                while (reader.Reader.TryRead(out _))
                {
                }

                slow.Queued.ShouldBeLessThanOrEqualTo(4);
            }
        }).WaitAsync(TimeSpan.FromSeconds(60));

        slow.IsLagging.ShouldBeTrue();
        slow.DroppedFrames.ShouldBe(196);
        reader.DroppedFrames.ShouldBe(0);
        reader.IsLagging.ShouldBeFalse();
        scatter.PointCount.ShouldBe(20_000);
    }

    [Fact]
    public async Task UpsertEntity_beyond_capacity_keeps_the_most_recent_and_reports_removals()
    {
        await using var feed = ManualFeed(maxEntities: 3);
        feed.UpsertEntity("e1", "T", [new("a", 1)]);
        feed.Tick(false);
        for (var i = 2; i <= 5; i++)
        {
            feed.UpsertEntity($"e{i}", "T", [new("a", i)]);
        }

        feed.UpsertEntity("e3", "T", [new("b", "text")]);

        var update = FrameJson.Parse(feed.Tick(false)!);
        update.GetProperty("removedEntities").EnumerateArray().Select(e => e.GetString()).ShouldBe(["e1", "e2"], ignoreOrder: true);
        update.GetProperty("entities").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ShouldBe(["e3", "e4", "e5"], ignoreOrder: true);
        var snapshot = FrameJson.Parse(feed.BuildSnapshot());
        var entities = snapshot.GetProperty("entities").EnumerateArray().ToList();
        entities.Select(e => e.GetProperty("id").GetString()).ShouldBe(["e3", "e5", "e4"]);
        entities[0].GetProperty("attrs").GetRawText().ShouldBe("""{"a":3,"b":"text"}""");
        feed.EntityCount.ShouldBe(3);
    }

    [Fact]
    public async Task SetSubscriptionStatus_twice_for_one_id_keeps_the_latest()
    {
        await using var feed = ManualFeed();
        feed.SetSubscriptionStatus(new DashboardSubscription { Id = "sub1", TimesSent = 1 });
        feed.SetSubscriptionStatus(new DashboardSubscription
        {
            Id = "sub1",
            Status = "failed",
            TimesSent = 7,
            LastFailure = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            LastFailureReason = "Timeout was reached",
        });

        var json = FrameJson.Parse(feed.Tick(false)!);

        var subs = json.GetProperty("subscriptions").EnumerateArray().ToList();
        subs.Count.ShouldBe(1);
        subs[0].GetProperty("status").GetString().ShouldBe("failed");
        subs[0].GetProperty("timesSent").GetInt64().ShouldBe(7);
        subs[0].GetProperty("lastFailure").GetString().ShouldBe("2026-01-02T03:04:05.0000000+00:00");
        subs[0].GetProperty("lastFailureReason").GetString().ShouldBe("Timeout was reached");
    }

    [Fact]
    public async Task Histogram_Set_and_Increment_are_sent_whole()
    {
        await using var feed = ManualFeed();
        var hist = feed.AddHistogram("h", "H", "chamber", "hits", "a", "b");
        hist.Set(["0", "1"], [1, 2], [3, 4]);
        hist.Increment("2", 5, series: 1);

        var panel = FrameJson.Panel(FrameJson.Parse(feed.Tick(false)!), "h")!.Value;

        panel.GetProperty("categories").GetRawText().ShouldBe("""["0","1","2"]""");
        panel.GetProperty("counts").GetRawText().ShouldBe("[[1,2,0],[3,4,5]]");
    }

    [Fact]
    public async Task SetJobState_is_sent_in_lower_case_with_detail()
    {
        await using var feed = ManualFeed();
        feed.Tick(false);
        feed.SetJobState(DashboardJobState.Failed, "model file missing");

        var job = FrameJson.Parse(feed.Tick(false)!).GetProperty("job");

        job.GetProperty("state").GetString().ShouldBe("failed");
        job.GetProperty("detail").GetString().ShouldBe("model file missing");
        feed.JobState.ShouldBe(DashboardJobState.Failed);
    }

    [Fact]
    public async Task Publish_by_panel_id_reaches_the_typed_panel()
    {
        await using var feed = ManualFeed();
        var scatter = feed.AddScatter("s", "S", "x", "y");
        var series = feed.AddTimeSeries("t", "T", "y", "v");
        var hist = feed.AddHistogram("h", "H", "x", "y");

        feed.Publish("s", 1, 2);
        feed.Publish("t", DateTimeOffset.UtcNow, 3);
        feed.Publish("h", ["a"], [4]);

        scatter.PointCount.ShouldBe(1);
        series.PointCount.ShouldBe(1);
        hist.Version.ShouldBe(1);
        feed.GetPanel("t").ShouldBeSameAs(series);
    }

    [Fact]
    public async Task Publish_with_wrong_panel_or_shape_throws_naming_it()
    {
        await using var feed = ManualFeed();
        feed.AddScatter("s", "S", "x", "y");
        var series = feed.AddTimeSeries("t", "T", "y", "a", "b");
        var hist = feed.AddHistogram("h", "H", "x", "y", "one", "two");

        Should.Throw<ArgumentException>(() => feed.Publish("nope", 1, 2)).Message.ShouldContain("'nope'");
        Should.Throw<ArgumentException>(() => feed.Publish("t", 1, 2)).Message.ShouldContain("scatter");
        Should.Throw<ArgumentException>(() => series.Add(DateTimeOffset.UtcNow, 1)).Message.ShouldContain("2 series but 1 values");
        Should.Throw<ArgumentException>(() => hist.Set(["x"], [1], [1, 2])).Message.ShouldContain("series 'two' has 2 counts for 1 categories");
        Should.Throw<ArgumentException>(() => feed.AddScatter("s", "again", "x", "y")).Message.ShouldContain("already has a panel 's'");
        Should.Throw<ArgumentException>(() => feed.AddScatter("has space", "S", "x", "y")).Message.ShouldContain("'has space'");
        Should.Throw<ArgumentException>(() => feed.AddTimeSeries("dup", "T", "y", "a", "a")).Message.ShouldContain("two series are named 'a'");
        Should.Throw<KeyNotFoundException>(() => feed.GetPanel("nope"));
    }

    [Theory]
    [InlineData("FrameInterval")]
    [InlineData("MaxPointsPerPanel")]
    [InlineData("MaxEntities")]
    [InlineData("ClientQueueFrames")]
    [InlineData("MetricsInterval")]
    [InlineData("JobName")]
    public void Constructor_with_out_of_range_option_throws_naming_it(string name)
    {
        var options = new DashboardFeedOptions();
        switch (name)
        {
            case "FrameInterval": options.FrameInterval = TimeSpan.FromMilliseconds(1); break;
            case "MaxPointsPerPanel": options.MaxPointsPerPanel = 0; break;
            case "MaxEntities": options.MaxEntities = -1; break;
            case "ClientQueueFrames": options.ClientQueueFrames = 1; break;
            case "MetricsInterval": options.MetricsInterval = TimeSpan.Zero; break;
            case "JobName": options.JobName = " "; break;
        }

        var ex = Should.Throw<ArgumentException>(() => new DashboardFeed(options));

        ex.ParamName.ShouldBe(name);
        ex.Message.ShouldContain("DashboardFeedOptions." + name);
    }

    [Fact]
    public async Task UpsertEntity_values_of_every_kind_are_written_as_json()
    {
        await using var feed = ManualFeed();
        using var structured = JsonDocument.Parse("""{"type":"Point","coordinates":[1,2]}""");
        feed.UpsertEntity("e", "T", new Dictionary<string, object?>
        {
            ["int"] = 3,
            ["float"] = 1.5f,
            ["text"] = "x\"y",
            ["flag"] = true,
            ["none"] = null,
            ["nan"] = double.NaN,
            ["time"] = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            ["location"] = structured.RootElement,
        });

        var attrs = FrameJson.Parse(feed.Tick(false)!).GetProperty("entities")[0].GetProperty("attrs");

        attrs.GetProperty("int").GetDouble().ShouldBe(3);
        attrs.GetProperty("float").GetDouble().ShouldBe(1.5);
        attrs.GetProperty("text").GetString().ShouldBe("x\"y");
        attrs.GetProperty("flag").GetBoolean().ShouldBeTrue();
        attrs.GetProperty("none").ValueKind.ShouldBe(JsonValueKind.Null);
        attrs.GetProperty("nan").ValueKind.ShouldBe(JsonValueKind.Null);
        attrs.GetProperty("time").GetString().ShouldBe("2026-01-01T00:00:00.0000000+00:00");
        attrs.GetProperty("location").GetProperty("coordinates").GetRawText().ShouldBe("[1,2]");
    }
}
