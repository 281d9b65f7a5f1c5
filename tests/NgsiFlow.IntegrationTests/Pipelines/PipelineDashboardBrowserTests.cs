using System.Globalization;
using Microsoft.Playwright;
using NgsiFlow.IntegrationTests.Demo;
using NgsiFlow.Testing;
using Xunit.Abstractions;

namespace NgsiFlow.IntegrationTests.Pipelines;

/// <summary>The detector and regimes demos' panels, seen in Debian's chromium while the demos run; screenshots saved as artifacts.</summary>
public sealed class PipelineDashboardBrowserTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    private static readonly PageWaitForFunctionOptions Wait = new() { Timeout = 40_000 };

    [Fact]
    public async Task DemoDetector_dashboard_showsHistogramsPerChamberUpdatingEveryBatch()
    {
        var port = FreePort.Next();
        await using var demo = DemoProcess.Start("detector", "--seconds", "25", "--batch-seconds", "2", "--rate", "20000", "--dashboard-port", port.ToString(CultureInfo.InvariantCulture));
        var page = await OpenAsync(port, demo);

        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-panel-id=\"channels-0\"]')?.dataset.sum || 0) > 0", null, Wait);
        var batches = await ValueAsync(page, "Batches");
        await page.WaitForFunctionAsync("v => Number(document.querySelector('.kpi[data-name=\"Batches\"]').dataset.value) > v", batches, Wait);
        for (var c = 0; c < 4; c++)
        {
            (await page.Locator($"[data-panel-id=\"channels-{c}\"]").GetAttributeAsync("data-bars")).ShouldBe("64");
            int.Parse((await page.Locator($"[data-panel-id=\"orbits-{c}\"]").GetAttributeAsync("data-bars"))!, CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(8);
            double.Parse((await page.Locator($"[data-panel-id=\"orbits-{c}\"]").GetAttributeAsync("data-sum"))!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        }

        (await page.Locator("[data-panel-id=\"hits-per-chamber\"]").GetAttributeAsync("data-bars")).ShouldBe("4");
        await ShootAsync(page, "detector-dashboard.png");
        (await demo.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldBe(0, demo.Output + demo.Error);
        await page.CloseAsync();
    }

    [Fact]
    public async Task DemoRegimes_dashboard_showsTemperatureWithTheSteppedRegime()
    {
        var port = FreePort.Next();
        await using var demo = DemoProcess.Start("regimes", "--readings", "900", "--rate", "60", "--dashboard-port", port.ToString(CultureInfo.InvariantCulture));
        var page = await OpenAsync(port, demo);

        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-panel-id=\"temperature-regime\"]')?.dataset.points || 0) >= 100", null, Wait);
        var first = await ValueAsync(page, "Predictions");
        await page.WaitForFunctionAsync("v => Number(document.querySelector('.kpi[data-name=\"Predictions\"]').dataset.value) > v + 50", first, Wait);
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-panel-id=\"temperature-regime\"]').dataset.points) >= 400", null, Wait);
        double.Parse((await page.Locator("[data-panel-id=\"regime-counts\"]").GetAttributeAsync("data-sum"))!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        await ShootAsync(page, "regimes-dashboard.png");
        (await demo.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldBe(0, demo.Output + demo.Error);
        await page.CloseAsync();
    }

    private async Task<IPage> OpenAsync(int port, DemoProcess demo)
    {
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No dashboard at {url}. Output: {demo.Output} Errors: {demo.Error}");
            }

            await Task.Delay(100);
        }

        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        await page.GotoAsync(url.ToString());
        return page;
    }

    private async Task ShootAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        var shot = Path.Combine(folder, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"Screenshot: {shot}");
        Console.WriteLine($"Pipeline dashboard screenshot: {shot}");
    }

    private static async Task<double> ValueAsync(IPage page, string name)
    {
        var text = await page.Locator($".kpi[data-name=\"{name}\"]").GetAttributeAsync("data-value");
        return double.Parse(text!, CultureInfo.InvariantCulture);
    }
}
