using System.Net;
using System.Text.RegularExpressions;
using NgsiFlow.Testing;

namespace NgsiFlow.Dashboard.Tests;

public sealed partial class StaticAssetTests : IAsyncLifetime
{
    private DashboardFeed _feed = null!;
    private DashboardServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _feed = new DashboardFeed(new DashboardFeedOptions { ManualTicks = true });
        _server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = _feed, Port = FreePort.Next() }, CancellationToken.None);
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _feed.DisposeAsync();
    }

    [Theory]
    [InlineData("", "text/html", "<!doctype html>")]
    [InlineData("app.js", "text/javascript", "new EventSource('events')")]
    [InlineData("app.css", "text/css", ".kpi")]
    [InlineData("vendor/uplot/uPlot.iife.min.js", "text/javascript", "uPlot")]
    [InlineData("vendor/uplot/uPlot.min.css", "text/css", ".uplot")]
    [InlineData("vendor/uplot/LICENSE", "text/plain", "The MIT License")]
    public async Task Get_asset_is_served_with_its_content_type(string path, string mediaType, string content)
    {
        using var response = await _http.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(mediaType);
        response.Content.Headers.ContentType.CharSet.ShouldBe("utf-8");
        response.Headers.ETag.ShouldNotBeNull();
        (await response.Content.ReadAsStringAsync()).ShouldContain(content);
    }

    [Fact]
    public async Task Get_asset_with_its_etag_answers_not_modified()
    {
        using var first = await _http.GetAsync("app.js");
        using var request = new HttpRequestMessage(HttpMethod.Get, "app.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await _http.SendAsync(request);

        second.StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Get_vendored_uPlot_is_the_npm_1_6_32_build()
    {
        var script = await _http.GetByteArrayAsync("vendor/uplot/uPlot.iife.min.js");

        // SHA-256 of dist/uPlot.iife.min.js in the npm tarball uplot-1.6.32.tgz (see docs/dashboard.md).
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(script)).ShouldBe("19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f");
    }

    [Fact]
    public async Task Get_page_references_only_files_it_serves_itself()
    {
        var html = await _http.GetStringAsync("");

        var references = ReferencePattern().Matches(html).Select(m => m.Groups[1].Value).Where(r => !r.StartsWith("data:", StringComparison.Ordinal)).ToList();
        references.ShouldNotBeEmpty();
        foreach (var reference in references)
        {
            reference.ShouldNotContain("//");
            (await _http.GetAsync(reference)).StatusCode.ShouldBe(HttpStatusCode.OK, reference);
        }
    }

    [Fact]
    public async Task Get_unknown_asset_is_not_found()
    {
        (await _http.GetAsync("vendor/uplot/missing.js")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex ReferencePattern();
}
