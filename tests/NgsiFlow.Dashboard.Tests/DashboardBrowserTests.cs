using System.Globalization;
using Microsoft.Playwright;
using NgsiFlow.Testing;
using Xunit.Abstractions;

namespace NgsiFlow.Dashboard.Tests;

/// <summary>Opens the dashboard in Debian's chromium (headless, no browser download) while a synthetic job publishes.</summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

    [Fact]
    public async Task Page_with_running_job_shows_points_and_increasing_counters()
    {
        await using var feed = new DashboardFeed(new DashboardFeedOptions { JobName = "concrete-strength · synthetic replay" });
        await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = FreePort.Next() }, CancellationToken.None);
        await using var scenario = new SyntheticScenario(feed);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);

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
        await page.WaitForTimeoutAsync(2500);
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        var full = Path.Combine(folder, "dashboard-1440x900.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = full, FullPage = true });
        await page.SetViewportSizeAsync(1366, 768);
        await page.WaitForTimeoutAsync(500);
        var laptop = Path.Combine(folder, "dashboard-1366x768.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = laptop });
        output.WriteLine($"Screenshots: {full} and {laptop}");
        Console.WriteLine($"Dashboard screenshots: {full} and {laptop}");

        problems.ShouldBeEmpty();
    }

    private static async Task<double> ReadValueAsync(IPage page, string name)
    {
        var text = await page.Locator($".kpi[data-name=\"{name}\"]").GetAttributeAsync("data-value");
        return double.Parse(text!, CultureInfo.InvariantCulture);
    }
}
