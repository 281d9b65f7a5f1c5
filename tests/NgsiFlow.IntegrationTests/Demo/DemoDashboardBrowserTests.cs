using System.Globalization;
using Microsoft.Playwright;
using NgsiFlow.Testing;
using Xunit.Abstractions;

namespace NgsiFlow.IntegrationTests.Demo;

/// <summary>Opens the demo's dashboard in Debian's chromium while <c>ngsiflow demo</c> replays the data set.</summary>
public sealed class DemoDashboardBrowserTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Demo_dashboard_during_replay_shows_points_and_increasing_counters()
    {
        var port = FreePort.Next();
        var summaryPath = Path.Combine(Path.GetTempPath(), $"ngsiflow-demo-browser-{port}.json");
        await using var demo = DemoProcess.Start("--rate", "100", "--keep-running", "--dashboard-port", port.ToString(CultureInfo.InvariantCulture), "--summary-json", summaryPath);
        var url = new Uri($"http://127.0.0.1:{port}/");
        await WaitForPageAsync(url, demo);

        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        await page.GotoAsync(url.ToString());

        var wait = new PageWaitForFunctionOptions { Timeout = 30_000 };
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-panel-id=\"strength\"]')?.dataset.points || 0) >= 20", null, wait);
        var first = await ReadValueAsync(page, "Predictions written");
        await page.WaitForFunctionAsync("v => Number(document.querySelector('.kpi[data-name=\"Predictions written\"]').dataset.value) > v", first, wait);
        (await ReadValueAsync(page, "Predictions written")).ShouldBeGreaterThan(first);
        await page.WaitForFunctionAsync(
            "() => Number(document.getElementById('entities').dataset.count) > 0 && document.querySelectorAll('#subscriptions .sub').length === 2 && Number(document.querySelector('[data-panel-id=\"error\"]').dataset.points || 0) > 0",
            null,
            wait);
        (await page.Locator("#job-state").TextContentAsync()).ShouldBe("running");

        // A few more seconds of replay so that the picture shows a lived-in page.
        await page.WaitForTimeoutAsync(3000);
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        var shot = Path.Combine(folder, "demo-dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"Screenshot: {shot}");
        Console.WriteLine($"Demo dashboard screenshot: {shot}");

        // --keep-running: the page stays live after the replay; the summary is written before the process waits.
        await page.WaitForFunctionAsync("() => document.getElementById('job-state').textContent === 'finished'", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        for (var i = 0; i < 100 && !File.Exists(summaryPath); i++)
        {
            await Task.Delay(100);
        }

        (await page.Locator("#connection").GetAttributeAsync("data-state")).ShouldBe("live");
        var summary = DemoProcess.ReadSummary(summaryPath);
        summary.GetProperty("lost").GetInt64().ShouldBe(0);
        summary.GetProperty("dashboard_url").GetString().ShouldBe(url.ToString());
        problems.Where(p => !p.Contains("ERR_CONNECTION_REFUSED", StringComparison.Ordinal) && !p.Contains("EventSource", StringComparison.Ordinal)).ShouldBeEmpty();
        await page.CloseAsync();
        File.Delete(summaryPath);
    }

    private static async Task WaitForPageAsync(Uri url, DemoProcess demo)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy machine.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The demo's dashboard did not answer at {url}. Output: {demo.Output} Errors: {demo.Error}");
    }

    private static async Task<double> ReadValueAsync(IPage page, string name)
    {
        var text = await page.Locator($".kpi[data-name=\"{name}\"]").GetAttributeAsync("data-value");
        return double.Parse(text!, CultureInfo.InvariantCulture);
    }
}
