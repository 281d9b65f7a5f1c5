using NgsiFlow.IntegrationTests.Demo;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests.Pipelines;

/// <summary><c>ngsiflow demo regimes --influx</c> against a real InfluxDB, as a user runs it.</summary>
[Collection(InfluxDbCollection.Name)]
public sealed class RegimesDemoInfluxTests(InfluxDbFixture influx)
{
    [Fact]
    public async Task DemoRegimes_withInflux_readsEveryPointBack()
    {
        var summary = Path.Combine(Path.GetTempPath(), $"ngsiflow-regimes-{Guid.NewGuid():N}.json");
        var (code, output, error) = await DemoProcess.RunAsync(
            TimeSpan.FromSeconds(120),
            "regimes", "--influx", influx.Server.BaseAddress.ToString(), "--influx-database", "demo_regimes", "--readings", "500", "--rate", "0", "--no-dashboard", "--summary-json", summary);

        code.ShouldBe(0, output + error);
        var json = DemoProcess.ReadSummary(summary);
        json.GetProperty("predictions").GetInt64().ShouldBe(500);
        json.GetProperty("influx_points").GetInt64().ShouldBe(500);
        File.Delete(summary);
    }

    [Fact]
    public async Task DemoRegimes_badOptions_listsEachError()
    {
        var (code, _, error) = await DemoProcess.RunAsync(TimeSpan.FromSeconds(60), "regimes", "--influx", "ftp://x", "--readings", "0", "--rabbitmq", "http://nope");

        code.ShouldBe(2);
        error.ShouldContain("--influx must be an http(s) URL");
        error.ShouldContain("--readings must be at least 1");
        error.ShouldContain("--rabbitmq must be an amqp:// URL");
    }
}
