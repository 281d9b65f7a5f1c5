using System.Net;
using System.Net.Sockets;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests.Demo;

/// <summary><c>ngsiflow demo</c> end to end, as a child process: every update predicted, written back and read back.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("ngsiflow-demo-").FullName;

    [Fact]
    public async Task Demo_full_replay_writes_every_prediction_with_scikit_learns_mae()
    {
        var summaryPath = Path.Combine(_folder, "summary.json");

        var (code, output, error) = await DemoProcess.RunAsync(Timeout, "--no-dashboard", "--summary-json", summaryPath);

        code.ShouldBe(0, output + error);
        var summary = DemoProcess.ReadSummary(summaryPath);
        summary.GetProperty("updates").GetInt64().ShouldBe(1030);
        summary.GetProperty("predictions").GetInt64().ShouldBe(1030);
        summary.GetProperty("lost").GetInt64().ShouldBe(0);
        summary.GetProperty("mismatched").GetInt64().ShouldBe(0);
        summary.GetProperty("entities_verified").GetInt32().ShouldBe(1);
        summary.GetProperty("mae").GetDouble().ShouldBe(ScikitLearnPredictions.Mae(1030), 1e-6);
        summary.GetProperty("rmse").GetDouble().ShouldBeGreaterThan(summary.GetProperty("mae").GetDouble());
        summary.GetProperty("r2").GetDouble().ShouldBeInRange(0.9, 1.0);
        var latency = summary.GetProperty("latency_ms");
        latency.GetProperty("p50").GetDouble().ShouldBeGreaterThan(0);
        latency.GetProperty("p99").GetDouble().ShouldBeGreaterThanOrEqualTo(latency.GetProperty("p95").GetDouble());
        summary.GetProperty("dashboard_url").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        output.ShouldContain("predictions written");
    }

    [Fact]
    public async Task Demo_rows_spread_over_entities_verifies_each_entity_on_the_broker()
    {
        var summaryPath = Path.Combine(_folder, "entities.json");

        var (code, output, error) = await DemoProcess.RunAsync(Timeout, "--no-dashboard", "--entities", "7", "--updates", "300", "--summary-json", summaryPath);

        code.ShouldBe(0, output + error);
        var summary = DemoProcess.ReadSummary(summaryPath);
        summary.GetProperty("predictions").GetInt64().ShouldBe(300);
        summary.GetProperty("lost").GetInt64().ShouldBe(0);
        summary.GetProperty("entities_verified").GetInt32().ShouldBe(7);
        summary.GetProperty("mae").GetDouble().ShouldBe(ScikitLearnPredictions.Mae(300), 1e-6);
    }

    [Fact]
    public async Task Demo_missing_model_file_fails_naming_the_file()
    {
        var missing = Path.Combine(_folder, "no-such-model.onnx");

        var (code, _, error) = await DemoProcess.RunAsync(Timeout, "--no-dashboard", "--model", missing);

        code.ShouldBe(1);
        error.ShouldContain("no-such-model.onnx");
        error.ShouldContain("does not exist");
    }

    [Fact]
    public async Task Demo_data_without_a_model_input_fails_naming_the_column()
    {
        var data = Path.Combine(_folder, "no-age.csv");
        await File.WriteAllLinesAsync(data, ["cement,slag,ash,water,superplastic,coarseagg,fineagg,strength", "540,0,0,162,2.5,1040,676,79.99"]);

        var (code, _, error) = await DemoProcess.RunAsync(Timeout, "--no-dashboard", "--data", data);

        code.ShouldBe(1);
        error.ShouldContain("does not match the data set");
        error.ShouldContain("'age'");
    }

    [Fact]
    public async Task Demo_unreachable_broker_fails_naming_the_url()
    {
        var port = FreePort.Next();

        var (code, _, error) = await DemoProcess.RunAsync(Timeout, "--no-dashboard", "--broker", $"http://127.0.0.1:{port}");

        code.ShouldBe(1);
        error.ShouldContain($"127.0.0.1:{port}");
        error.ShouldContain("unreachable");
    }

    [Fact]
    public async Task Demo_dashboard_port_in_use_fails_naming_the_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, FreePort.Next());
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, _, error) = await DemoProcess.RunAsync(Timeout, "--dashboard-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--updates", "5");

        code.ShouldBe(1);
        error.ShouldContain($"port {port}");
        error.ShouldContain("in use");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
