using System.Net.Sockets;
using System.Text;
using NgsiFlow.Testing;

namespace NgsiFlow.Dashboard.Tests;

/// <summary>The event stream over a real Kestrel server on a free loopback port.</summary>
public sealed class EventStreamTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Events_stream_a_snapshot_then_updates_as_valid_json()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true, CollectMetrics = false });
        var scatter = feed.AddScatter("s", "S", "x", "y");
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Patience };
        using var cts = new CancellationTokenSource(Patience);

        using var response = await http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var snapshot = await reader.NextAsync(cts.Token);
        snapshot.Event.ShouldBe("snapshot");
        using (var json = snapshot.Json())
        {
            json.RootElement.GetProperty("type").GetString().ShouldBe("snapshot");
            json.RootElement.GetProperty("job").GetProperty("name").GetString().ShouldBe("NgsiFlow job");
        }

        scatter.Add(1.5, 2.5);
        feed.SetValue("MAE", 3.25, "MPa");
        await WaitForClientAsync(feed, cts.Token);
        feed.Tick(false);
        var update = await reader.NextAsync(cts.Token);

        update.Event.ShouldBe("update");
        update.Id.ShouldBe("1");
        using var doc = update.Json();
        var panel = doc.RootElement.GetProperty("panels")[0];
        panel.GetProperty("id").GetString().ShouldBe("s");
        panel.GetProperty("points").GetRawText().ShouldBe("[[1.5,2.5]]");
        doc.RootElement.GetProperty("values")[0].GetProperty("unit").GetString().ShouldBe("MPa");
    }

    [Fact]
    public async Task Events_for_a_late_page_start_with_the_recent_points()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true, CollectMetrics = false, MaxPointsPerPanel = 100 });
        var series = feed.AddTimeSeries("t", "T", "y", "v");
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        for (var i = 0; i < 250; i++)
        {
            series.Add(t0.AddSeconds(i), i);
            if (i % 50 == 49)
            {
                feed.Tick(false);
            }
        }

        feed.SetValue("rows", 250);
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Patience };
        using var cts = new CancellationTokenSource(Patience);
        using var response = await http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var snapshot = await reader.NextAsync(cts.Token);

        using var json = snapshot.Json();
        var root = json.RootElement;
        root.GetProperty("seq").GetInt64().ShouldBe(5);
        var points = FrameJson.Points(FrameJson.Panel(root, "t")!.Value);
        points.Length.ShouldBe(100);
        points[0][1].ShouldBe(150);
        points[^1][1].ShouldBe(249);
        root.GetProperty("values")[0].GetProperty("value").GetDouble().ShouldBe(250);
    }

    [Fact]
    public async Task Events_to_a_socket_that_never_reads_keep_its_queue_bounded_while_the_job_publishes()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true, CollectMetrics = false, ClientQueueFrames = 2 });
        var scatter = feed.AddScatter("s", "S", "x", "y");
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync("127.0.0.1", server.BaseAddress.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{server.BaseAddress.Port}\r\nAccept: text/event-stream\r\n\r\n"));
        using var cts = new CancellationTokenSource(Patience);
        await WaitForClientAsync(feed, cts.Token);
        var client = feed.Clients.Single();

        // 300 frames of 2,000 points (tens of megabytes) against a reader that takes nothing.
        await Task.Run(() =>
        {
            for (var frame = 0; frame < 300; frame++)
            {
                for (var i = 0; i < 2000; i++)
                {
                    scatter.Add(frame + (i / 10000.0), i * 1.2345678);
                }

                feed.Tick(false);
                client.Queued.ShouldBeLessThanOrEqualTo(2);
            }
        }).WaitAsync(Patience);

        scatter.PointCount.ShouldBe(600_000);
        // The page's writer may be stuck in a snapshot write by now, so the lagging mark can be cleared; the drops remain.
        client.DroppedFrames.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Events_to_a_page_that_fell_behind_resume_with_a_snapshot()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true, CollectMetrics = false, ClientQueueFrames = 2 });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Patience };
        using var cts = new CancellationTokenSource(Patience);
        using var response = await http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(cts.Token));
        (await reader.NextAsync(cts.Token)).Event.ShouldBe("snapshot");
        await WaitForClientAsync(feed, cts.Token);
        var client = feed.Clients.Single();

        // Mark the page lagging the way a full queue does, then let it read on.
        while (!client.IsLagging)
        {
            feed.IncrementValue("n");
            feed.Tick(false);
        }

        var resumed = await reader.NextMatchingAsync(e => e.Event == "snapshot", cts.Token);

        using var json = resumed.Json();
        json.RootElement.GetProperty("values")[0].GetProperty("value").GetDouble().ShouldBe(feed.GetValue("n")!.Value);
    }

    private static async Task WaitForClientAsync(DashboardFeed feed, CancellationToken cancellationToken)
    {
        while (feed.ConnectedClients == 0)
        {
            await Task.Delay(10, cancellationToken);
        }
    }
}
