using System.Globalization;
using Microsoft.Playwright;
using NgsiFlow.Testing;
using Xunit.Abstractions;

namespace NgsiFlow.Dashboard.Tests;

/// <summary>Opens the dashboard in Debian's chromium (headless, no browser download) while a synthetic job publishes.</summary>
public sealed class DashboardBrowserTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{

    [Fact]
    public async Task Page_with_running_job_shows_points_and_increasing_counters()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { JobName = "concrete-strength · synthetic replay" });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        await using var scenario = new SyntheticScenario(feed);

        var (page, problems) = await OpenAsync(1440, 900);

        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-panel-id=\"strength\"]')?.dataset.points || 0) >= 20", null, new PageWaitForFunctionOptions { Timeout = 20_000 });

        var first = await ReadValueAsync(page, "Predictions written");
        await page.WaitForFunctionAsync(
            "v => Number(document.querySelector('.kpi[data-name=\"Predictions written\"]').dataset.value) > v",
            first,
            new PageWaitForFunctionOptions { Timeout = 20_000 });
        var second = await ReadValueAsync(page, "Predictions written");
        second.ShouldBeGreaterThan(first);

        // The other panels fill too: histogram bars, the error series, entities, the subscription, metric charts.
        await page.WaitForFunctionAsync(
            "() => Number(document.querySelector('[data-panel-id=\"hits\"]').dataset.sum) > 0 && Number(document.getElementById('entities').dataset.count) > 0 && Number(document.querySelector('[data-panel-id=\"__throughput\"]').dataset.series || 0) > 0 && Number(document.querySelector('[data-panel-id=\"__latency\"]').dataset.series || 0) > 0",
            null,
            new PageWaitForFunctionOptions { Timeout = 20_000 });
        (await page.Locator("[data-panel-id=\"error\"]").GetAttributeAsync("data-points")).ShouldNotBe("0");
        (await page.Locator("#subscriptions .sub").CountAsync()).ShouldBe(1);
        (await page.Locator("#job-state").TextContentAsync()).ShouldBe("running");
        (await page.Locator("#connection").GetAttributeAsync("data-state")).ShouldBe("live");
        (await page.Locator(".uplot canvas").CountAsync()).ShouldBeGreaterThanOrEqualTo(6);

        // Let a few more frames land so the screenshot shows a lived-in page.
        await page.WaitForTimeoutAsync(4000);
        var full = Artifact("dashboard-1440x900.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = full, FullPage = true });
        await page.SetViewportSizeAsync(1366, 768);
        await page.WaitForTimeoutAsync(500);
        var laptop = Artifact("dashboard-1366x768.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = laptop });
        await page.SetViewportSizeAsync(1024, 768);
        await page.WaitForTimeoutAsync(500);
        var narrow = Artifact("dashboard-1024-full.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = narrow, FullPage = true });
        output.WriteLine($"Screenshots: {full}, {laptop} and {narrow}");
        Console.WriteLine($"Dashboard screenshots: {full}, {laptop} and {narrow}");

        problems.ShouldBeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task Page_with_many_bin_histograms_draws_every_series()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { JobName = "detector · hits every 5 s", CollectMetrics = false });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        var chambers = new[] { "chamber 0", "chamber 1", "chamber 2", "chamber 3" };
        var perChamber = feed.AddHistogram("hits-per-chamber", "Hits per chamber (last batch)", "chamber", "hits");
        var channels = feed.AddHistogram("active-channels", "Active TDC channels", "TDC channel", "hits", chambers);
        var perOrbit = feed.AddHistogram("channels-per-orbit", "Active channels per orbit", "active channels", "orbits", chambers);
        var random = new Random(3);
        var labels = Enumerable.Range(0, 64).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var orbitLabels = Enumerable.Range(0, 12).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        double[] Counts(int n, double scale) => Enumerable.Range(0, n).Select(i => Math.Round(scale * (1 + Math.Sin(i / 5.0)) * (0.6 + random.NextDouble()))).ToArray();
        perChamber.Set(["0", "1", "2", "3"], [15_210, 14_980, 16_110, 14_320]);
        double[][] channelCounts = [Counts(64, 80), Counts(64, 70), Counts(64, 90), Counts(64, 60)];
        channels.Set(labels, channelCounts);
        perOrbit.Set(orbitLabels, Counts(12, 300), Counts(12, 250), Counts(12, 280), Counts(12, 220));
        feed.SetValue("Hits processed", 60_620);
        feed.SetValue("Batches", 12);
        feed.SetJobState(DashboardJobState.Finished, "12 batches of 5 s");

        var (page, problems) = await OpenAsync(1440, 900);
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => document.querySelector('[data-panel-id=\"active-channels\"]')?.dataset.bars === '64'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });

        var expectedSum = channelCounts.Sum(c => c.Sum());
        (await page.Locator("[data-panel-id=\"active-channels\"]").GetAttributeAsync("data-sum")).ShouldBe(expectedSum.ToString(CultureInfo.InvariantCulture));
        (await page.Locator("[data-panel-id=\"hits-per-chamber\"]").GetAttributeAsync("data-sum")).ShouldBe("60620");
        (await page.Locator("#job-state").TextContentAsync()).ShouldBe("finished");
        (await page.Locator("[data-panel-id=\"__throughput\"]").CountAsync()).ShouldBe(0);
        var shot = Artifact("dashboard-histograms.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"Screenshot: {shot}");
        problems.ShouldBeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task Page_for_a_job_that_published_nothing_shows_empty_states_without_errors()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { JobName = "idle job" });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);

        var (page, problems) = await OpenAsync(1366, 768);
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => document.body.dataset.connection === 'live' && document.getElementById('job-name').textContent === 'idle job'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });

        (await page.Locator("#job-state").TextContentAsync()).ShouldBe("starting");
        (await page.Locator("#entities-empty").IsVisibleAsync()).ShouldBeTrue();
        (await page.Locator("#subscriptions-empty").IsVisibleAsync()).ShouldBeTrue();
        (await page.Locator(".kpi").CountAsync()).ShouldBe(0);
        var shot = Artifact("dashboard-empty.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"Screenshot: {shot}");
        problems.ShouldBeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task Page_after_the_server_restarts_reconnects_and_shows_the_current_state()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { JobName = "restarting", CollectMetrics = false });
        var port = FreePort.Next();
        var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = port }, CancellationToken.None);
        feed.SetValue("generation", 1);
        var (page, problems) = await OpenAsync(1024, 700);
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => document.querySelector('.kpi[data-name=\"generation\"]')?.dataset.value === '1'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });

        await server.DisposeAsync();
        await page.WaitForFunctionAsync("() => document.body.dataset.connection === 'lost'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        (await page.Locator("#connection-text").TextContentAsync()).ShouldBe("Reconnecting…");
        feed.SetValue("generation", 2);
        await using var restarted = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = port }, CancellationToken.None);

        await page.WaitForFunctionAsync("() => document.body.dataset.connection === 'live' && document.querySelector('.kpi[data-name=\"generation\"]')?.dataset.value === '2'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        (await page.Locator(".kpi").CountAsync()).ShouldBe(1);
        problems.Where(p => !p.Contains("ERR_CONNECTION_REFUSED", StringComparison.Ordinal) && !p.Contains("EventSource", StringComparison.Ordinal)).ShouldBeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task Page_joining_late_lists_entities_most_recent_first_with_their_values()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { JobName = "late", ManualTicks = true, CollectMetrics = false });
        foreach (var id in new[] { "Room:1", "Room:2", "Room:3" })
        {
            feed.UpsertEntity(id, "Room", new Dictionary<string, object?> { ["temperature"] = 20.5, ["name"] = "<b>" + id + "</b>" });
        }

        feed.UpsertEntity("Room:1", "Room", new Dictionary<string, object?> { ["temperature"] = 23.25 });
        feed.Tick(sampleMetrics: false);
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);

        var (page, problems) = await OpenAsync(1366, 768);
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('entities').dataset.count === '3'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });

        var ids = await page.Locator("#entities tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.entityId)");
        ids.ShouldBe(["Room:1", "Room:3", "Room:2"]);
        var first = await page.Locator("#entities tbody tr").First.Locator("td").AllTextContentsAsync();
        first.ShouldContain("23.25");
        first.ShouldContain("<b>Room:1</b>");
        problems.ShouldBeEmpty();
        await page.CloseAsync();
    }

    private async Task<(IPage Page, List<string> Problems)> OpenAsync(int width, int height)
    {
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        return (page, problems);
    }

    private static string Artifact(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private static async Task<double> ReadValueAsync(IPage page, string name)
    {
        var text = await page.Locator($".kpi[data-name=\"{name}\"]").GetAttributeAsync("data-value");
        return double.Parse(text!, CultureInfo.InvariantCulture);
    }
}
