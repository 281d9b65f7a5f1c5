using System.CommandLine;
using System.Diagnostics;
using NgsiFlow.Broker;
using NgsiFlow.Cli.Tests.Infrastructure;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.Cli.Tests;

/// <summary><c>ngsiflow run</c>: a job file's errors, its dry run against a broker that knows the attributes, and a live run.</summary>
public sealed class RunCommandTests : IDisposable
{
    private static readonly string[] Inputs = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age", "strength"];
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task Run_invalidFile_printsEachErrorWithItsPositionAndExits2()
    {
        var path = _scratch.Write("bad.yaml", "name: x\nbroker:\n  ulr: http://a\nsubscribe:\n  entities: [{ type: M }]\n");
        var result = await CliRunner.RunAsync("run", path);
        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.Trim().ShouldBe($"{path}:3:3: broker.ulr: unknown field 'ulr' (did you mean 'url'?)");
    }

    [Fact]
    public async Task DryRun_misspeltAttribute_isFoundOnTheBrokerWithASuggestion()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        var fiware = new FiwareContext("tutorial", "/pyspark", null);
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = fiware });
        await client.UpsertEntityAsync(new NgsiV2Entity("Concrete1", "Material", new NgsiV2AttributeCollection(Inputs.Select(n => new NgsiV2Attribute(n, NgsiValue.FromNumber(1), "Number")))));
        var text = (await File.ReadAllTextAsync(TestPaths.InRepository("samples", "jobs", "concrete-strength.yaml")))
            .Replace("attribute: cement", "attribute: cemnt", StringComparison.Ordinal)
            .Replace("../../models/concrete-rf150.onnx", TestPaths.InRepository("models", "concrete-rf150.onnx"), StringComparison.Ordinal);
        var path = _scratch.Write("concrete.yaml", text);

        var result = await CliRunner.RunAsync("run", path, "--dry-run", "--broker", broker.BaseAddress.ToString());

        result.ExitCode.ShouldBe(2, result.ToString());
        var line = File.ReadLines(path).Select((l, i) => (l, i)).First(x => x.l.Contains("cemnt", StringComparison.Ordinal));
        result.Error.Trim().ShouldBe($"{path}:{line.i + 1}:{line.l.IndexOf("cemnt", StringComparison.Ordinal) + 1}: features[0].attribute: 'cemnt' is not an attribute of Material (did you mean 'cement'?)");
        result.Output.ShouldContain("model      ");
        result.Output.ShouldContain("Managed evaluator");
    }

    [Fact]
    public async Task Run_concreteSample_writesPredictionsBackUntilCancelled()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        var fiware = new FiwareContext("tutorial", "/pyspark", null);
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = fiware });
        using var output = new SharedWriter();
        using var error = new SharedWriter();
        using var stop = new CancellationTokenSource();
        var run = CliRunner.CreateRoot()
            .Parse(["run", TestPaths.InRepository("samples", "jobs", "concrete-strength.yaml"), "--broker", broker.BaseAddress.ToString(), "--port", "0", "--no-dashboard", "--status-seconds", "0.2"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);
        try
        {
            await Until(() => output.Snapshot().Contains("running:", StringComparison.Ordinal) || run.IsCompleted, "the job to start");
            run.IsCompleted.ShouldBeFalse($"{output.Snapshot()}\n{error.Snapshot()}");
            for (var i = 1; i <= 5; i++)
            {
                await client.UpsertEntityAsync(new NgsiV2Entity($"Concrete{i}", "Material", new NgsiV2AttributeCollection(
                    Inputs.Select(n => new NgsiV2Attribute(n, NgsiValue.FromNumber(n == "age" ? 28 : 100 + i), "Number")))));
            }

            for (var i = 1; i <= 5; i++)
            {
                var id = $"Concrete{i}";
                await Until(() => client.TryGetEntityAsync(id).GetAwaiter().GetResult()?.Attributes.Contains("predicted_strength") == true, $"{id} to be predicted");
            }

            await Until(() => output.Snapshot().Contains("predictions 5", StringComparison.Ordinal), "the status line to count 5 predictions");
        }
        finally
        {
            await stop.CancelAsync();
        }

        (await run).ShouldBe(0, $"{output.Snapshot()}\n{error.Snapshot()}");
        output.Snapshot().ShouldContain("stopped: events 5 · predictions 5 · write-backs 5 (failed 0)");
    }

    public void Dispose() => _scratch.Dispose();

    private static async Task Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }

            await Task.Delay(20);
        }
    }
}
