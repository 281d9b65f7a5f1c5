using System.Globalization;
using System.Net.Http.Json;
using NgsiFlow.Cli.Commands.Bench.Cluster;
using NgsiFlow.Testing;
using static NgsiFlow.Cluster.Tests.ClusterTesting;

namespace NgsiFlow.Cluster.Tests;

/// <summary>A job file served by <c>ngsiflow node --job FILE</c>: the same predictions as in one process.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobFileTests : IDisposable
{
    private const int Rows = 40;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ngsiflow-jobfile-" + Guid.NewGuid().ToString("N"));

    public JobFileTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task ConcreteJobFile_on_two_nodes_writes_the_forests_predictions()
    {
        // The tutorial's file, on the rig's broker (the default tenant), its model found by absolute path.
        var text = (await File.ReadAllTextAsync(TestPaths.InRepository("samples", "jobs", "concrete-strength.yaml")))
            .Replace("  tenant: tutorial\n", string.Empty, StringComparison.Ordinal)
            .Replace("  servicePath: /pyspark\n", string.Empty, StringComparison.Ordinal)
            .Replace("../../models/concrete-rf150.onnx", TestPaths.InRepository("models", "concrete-rf150.onnx"), StringComparison.Ordinal);
        var path = Path.Combine(_directory, "concrete.yaml");
        await File.WriteAllTextAsync(path, text);
        var lines = await File.ReadAllLinesAsync(TestPaths.InRepository("models", "concrete-rf150.expected.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Take(Rows).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();

        await using var rig = await ClusterRig.StartAsync(CliPath, path, 2, null, [], CancellationToken.None);
        for (var i = 0; i < rows.Count; i++)
        {
            var entity = new Dictionary<string, object> { ["id"] = $"Concrete{i + 1}", ["type"] = "Material" };
            for (var k = 0; k < 9; k++)
            {
                entity[header[k]] = new { type = "Number", value = rows[i][k] };
            }

            using var response = await rig.Http.PostAsJsonAsync(new Uri(rig.Broker.BaseAddress, "v2/entities?options=upsert"), entity);
            response.EnsureSuccessStatusCode();
        }

        await WaitUntilAsync(async () => (await EntitiesAsync(rig, "Material", "prediction_error")).Values.Count(e => e.TryGetProperty("prediction_error", out _)) == Rows,
            TimeSpan.FromSeconds(90), () => "every Material predicted by the cluster");
        var written = await EntitiesAsync(rig, "Material", "predicted_strength,prediction_error");
        for (var i = 0; i < rows.Count; i++)
        {
            var e = written[$"Concrete{i + 1}"];
            var predicted = e.GetProperty("predicted_strength").GetDouble();
            predicted.ShouldBe(rows[i][9], 1e-5, $"Concrete{i + 1}");
            e.GetProperty("prediction_error").GetDouble().ShouldBe(Math.Abs(predicted - rows[i][8]), 1e-9);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
