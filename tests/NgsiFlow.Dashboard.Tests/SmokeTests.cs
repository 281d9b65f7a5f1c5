using NgsiFlow.Dashboard;

namespace NgsiFlow.Dashboard.Tests;

public class SmokeTests
{
    [Fact]
    public async Task StartAsync_port_zero_serves_page_and_events()
    {
        await using var feed = new DashboardFeed();
        var scatter = feed.AddScatter("s", "S", "x", "y");
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed }, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var page = await http.GetAsync("");
        page.EnsureSuccessStatusCode();
        var snap = await http.GetStringAsync("api/snapshot");
        scatter.Add(1, 2);
        feed.Tick(false);
        var snap2 = await http.GetStringAsync("api/snapshot");
        Console.WriteLine(server.BaseAddress + "\n" + snap + "\n" + snap2);
        snap2.ShouldContain("[1,2]");
    }
}
