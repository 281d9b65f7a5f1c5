using Microsoft.Playwright;

namespace NgsiFlow.Testing;

/// <summary>
/// One headless Debian chromium for the browser tests of a class, driven by Playwright; never a downloaded browser.
/// Compiled only into the test projects that reference Playwright (see their project files).
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = Args,
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
