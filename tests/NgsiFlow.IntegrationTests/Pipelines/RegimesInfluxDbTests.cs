using System.Globalization;
using System.Text.Json;
using NgsiFlow.Cli.Pipelines.Regimes;
using NgsiFlow.Inference;
using NgsiFlow.Sinks.InfluxDb;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests.Pipelines;

/// <summary>The regimes pipeline writes temperature and predicted regime into a real InfluxDB, and they read back.</summary>
[Collection(InfluxDbCollection.Name)]
public sealed class RegimesInfluxDbTests(InfluxDbFixture influx)
{
    [Fact]
    public async Task InProcess_readings_areReadBackFromInfluxDbWithTheModelsRegime()
    {
        var database = "regimes_" + Guid.NewGuid().ToString("N")[..8];
        var classifier = RegimeClassifier.Load(TestPaths.InRepository("models", "regimes-mlp.onnx"));
        var options = new InfluxDbSinkOptions { ServerUri = influx.Server.BaseAddress, Database = database, CreateDatabase = true, Precision = InfluxPrecision.Milliseconds };
        await using var pipeline = RegimesPipeline.InProcess(classifier, options);
        pipeline.Job.Start();
        var t0 = new DateTimeOffset(2026, 2, 1, 12, 0, 0, TimeSpan.Zero);
        var generator = new TemperatureGenerator(5, 30, 60);
        var readings = Enumerable.Range(0, 400).Select(i => new MachineReading("m1", t0.AddSeconds(i), generator.Next(), generator.Regime)).ToList();
        var drain = Task.Run(async () =>
        {
            await foreach (var _ in pipeline.Results!.ReadAllAsync())
            {
            }
        });
        foreach (var r in readings)
        {
            await pipeline.Readings!.WriteAsync(r, CancellationToken.None);
        }

        await pipeline.Job.StopAsync(CancellationToken.None);
        await drain;

        using var http = new HttpClient { BaseAddress = influx.Server.BaseAddress };
        var json = await http.GetStringAsync(new Uri($"query?db={database}&epoch=ms&q=" + Uri.EscapeDataString("SELECT temperature, regime, regime_label FROM machine WHERE machine = 'm1' ORDER BY time"), UriKind.Relative));
        using var document = JsonDocument.Parse(json);
        var values = document.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values").EnumerateArray().ToList();
        values.Count.ShouldBe(readings.Count);

        // Expected regimes computed here from plainly computed features and the model itself.
        var model = OnnxModel.Load(TestPaths.InRepository("models", "regimes-mlp.onnx"));
        for (var i = 0; i < readings.Count; i++)
        {
            var change = i == 0 ? 0 : readings[i].Temperature - readings[i - 1].Temperature;
            var mean = readings.Skip(Math.Max(0, i - 9)).Take(Math.Min(i + 1, 10)).Average(r => r.Temperature);
            var label = model.Predict([readings[i].Temperature, change, mean]).Label!;
            values[i][0].GetInt64().ShouldBe(readings[i].Time.ToUnixTimeMilliseconds());
            values[i][1].GetDouble().ShouldBe(readings[i].Temperature, 1e-9);
            values[i][3].GetString().ShouldBe(label);
            values[i][2].GetInt64().ShouldBe(RegimeClassifier.IndexOf(label), $"reading {i.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
