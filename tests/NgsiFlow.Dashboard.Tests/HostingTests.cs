using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using NgsiFlow.Testing;

namespace NgsiFlow.Dashboard.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task StartAsync_with_port_zero_listens_on_a_free_port_it_reports()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = 0 }, CancellationToken.None);

        server.BaseAddress.Port.ShouldBeGreaterThan(0);
        server.BaseAddress.Host.ShouldBe("127.0.0.1");
        server.BaseAddress.AbsolutePath.ShouldBe("/");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        (await http.GetAsync("")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task StartAsync_on_a_port_in_use_throws_a_clear_error()
    {
        var port = FreePort.Next();
        using var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });

        var ex = await Should.ThrowAsync<DashboardPortInUseException>(() => DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = port }, CancellationToken.None));

        ex.Port.ShouldBe(port);
        ex.Message.ShouldContain($"127.0.0.1:{port}");
        ex.Message.ShouldContain("already in use");
    }

    [Theory]
    [InlineData(null, 0, "127.0.0.1", "/", "Feed")]
    [InlineData("feed", 70000, "127.0.0.1", "/", "Port")]
    [InlineData("feed", 0, "my-laptop", "/", "Host")]
    [InlineData("feed", 0, "127.0.0.1", "dash", "PathBase")]
    public async Task StartAsync_with_bad_option_throws_naming_it(string? feedName, int port, string host, string pathBase, string name)
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        var options = new DashboardServerOptions { Feed = feedName is null ? null : feed, Port = port, Host = host, PathBase = pathBase };

        var ex = await Should.ThrowAsync<ArgumentException>(() => DashboardServer.StartAsync(options, CancellationToken.None));

        ex.ParamName.ShouldBe(name);
        ex.Message.ShouldContain("DashboardServerOptions." + name);
    }

    [Fact]
    public async Task StartAsync_with_path_base_serves_the_page_under_it()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next(), PathBase = "/live" }, CancellationToken.None);

        server.BaseAddress.AbsolutePath.ShouldBe("/live/");
        using var http = new HttpClient();
        (await http.GetStringAsync(new Uri(server.BaseAddress, "app.js"))).ShouldContain("EventSource");
    }

    [Fact]
    public async Task MapNgsiFlowDashboard_in_an_existing_app_serves_under_its_prefix()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true, JobName = "mapped" });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/", () => "the job's own page");
        app.MapNgsiFlowDashboard(feed, "/dashboard");
        await app.StartAsync();
        using var http = app.GetTestClient();

        var redirect = await http.GetAsync("/dashboard");
        redirect.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        redirect.Headers.Location!.OriginalString.ShouldBe("/dashboard/");
        (await http.GetStringAsync("/dashboard/")).ShouldContain("<title>");
        (await http.GetStringAsync("/dashboard/api/snapshot")).ShouldContain("\"name\":\"mapped\"");
        (await http.GetStringAsync("/")).ShouldBe("the job's own page");
        await app.StopAsync();
    }

    [Fact]
    public void MapNgsiFlowDashboard_with_a_relative_prefix_throws()
    {
        using var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        var app = WebApplication.CreateSlimBuilder().Build();

        Should.Throw<ArgumentException>(() => app.MapNgsiFlowDashboard(feed, "dashboard")).ParamName.ShouldBe("prefix");
    }

    [Fact]
    public async Task Events_of_a_disposed_feed_end_after_the_snapshot()
    {
        var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        await feed.DisposeAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var body = await http.GetStringAsync("events");

        body.ShouldNotContain("event: update");
        body.Length.ShouldBeLessThan(10_000);
    }

    [Fact]
    public async Task DisposeAsync_of_the_feed_ends_open_event_streams()
    {
        var feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(cts.Token));
        (await reader.NextAsync(cts.Token)).Event.ShouldBe("snapshot");

        await feed.DisposeAsync();

        await Should.ThrowAsync<EndOfStreamException>(() => reader.NextAsync(cts.Token));
    }
}
