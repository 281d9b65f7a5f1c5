using System.Globalization;
using NgsiFlow.Cli.Pipelines.Regimes;
using NgsiFlow.Engine;
using NgsiFlow.Inference;
using NgsiFlow.Testing;

namespace NgsiFlow.Cli.Tests.Pipelines;

public sealed class RegimesTests
{
    private static CancellationToken Token() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static RegimeClassifier Classifier() => RegimeClassifier.Load(TestPaths.InRepository("models", "regimes-mlp.onnx"));

    [Fact]
    public void Classify_scikitLearnRows_agreesWithScikitLearnOnEveryLabelAndProbability()
    {
        var classifier = Classifier();
        var lines = File.ReadAllLines(TestPaths.InRepository("models", "regimes.expected.csv"));
        var header = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        rows.Count.ShouldBe(500);

        foreach (var row in rows)
        {
            double[] features = [Number(row[Col("temperature")]), Number(row[Col("temperature_change")]), Number(row[Col("temperature_mean10")])];
            var p = classifier.Classify(new MachineReading("m", DateTimeOffset.UnixEpoch, features[0]), features);

            p.Regime.ShouldBe(row[Col("mlp_label")]);
            p.Probability.ShouldBe(Number(row[Col("mlp_p_" + p.Regime)]), 1e-9);
        }
    }

    [Fact]
    public void Add_readings_makeTheTrainingFeatures()
    {
        var state = new RegimeFeatures();
        Span<double> f = stackalloc double[3];

        state.Add(30, f);
        f.ToArray().ShouldBe([30.0, 0.0, 30.0]);            // first reading: no change, mean of one
        state.Add(34, f);
        f.ToArray().ShouldBe([34.0, 4.0, 32.0]);
        for (var t = 35; t <= 42; t++)
        {
            state.Add(t, f);
        }

        // Ten readings now: 30, 34, 35 ... 42 -> (30 + 34 + (35 + 42) * 8 / 2) / 10 = (64 + 308) / 10.
        f.ToArray().ShouldBe([42.0, 1.0, 37.2]);
        state.Add(50, f);
        // The window drops 30 and takes 50: (372 - 30 + 50) / 10.
        f.ToArray().ShouldBe([50.0, 8.0, 39.2]);
    }

    [Fact]
    public async Task InProcess_twoMachines_classifiesEveryReadingWithItsMachinesFeatures()
    {
        var classifier = Classifier();
        await using var pipeline = RegimesPipeline.InProcess(classifier, influx: null);
        pipeline.Job.Start();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var readings = new List<MachineReading>();
        var a = new TemperatureGenerator(1, 20, 40);
        var b = new TemperatureGenerator(2, 20, 40);
        for (var i = 0; i < 300; i++)
        {
            readings.Add(new MachineReading("a", t0.AddSeconds(i), a.Next(), a.Regime));
            readings.Add(new MachineReading("b", t0.AddSeconds(i), b.Next(), b.Regime));
        }

        var reader = Task.Run(async () =>
        {
            var list = new List<RegimePrediction>();
            await foreach (var p in pipeline.Results!.ReadAllAsync(Token()))
            {
                list.Add(p);
            }

            return list;
        });
        foreach (var r in readings)
        {
            await pipeline.Readings!.WriteAsync(r, Token());
        }

        await pipeline.Job.StopAsync(Token());
        var predictions = await reader;

        predictions.Count.ShouldBe(600);
        pipeline.Predictions.ShouldBe(600);
        var model = OnnxModel.Load(TestPaths.InRepository("models", "regimes-mlp.onnx"));
        foreach (var machine in new[] { "a", "b" })
        {
            var mine = readings.Where(r => r.Machine == machine).ToList();
            var got = predictions.Where(p => p.Reading.Machine == machine).ToList();
            got.Select(p => p.Reading).ShouldBe(mine);
            for (var i = 0; i < mine.Count; i++)
            {
                // Features computed here the plain way: the previous reading and the mean of up to ten.
                var change = i == 0 ? 0 : mine[i].Temperature - mine[i - 1].Temperature;
                var mean = mine.Skip(Math.Max(0, i - 9)).Take(Math.Min(i + 1, 10)).Average(r => r.Temperature);
                got[i].TemperatureChange.ShouldBe(change, 1e-12);
                got[i].TemperatureMean10.ShouldBe(mean, 1e-9);
                got[i].Regime.ShouldBe(model.Predict([mine[i].Temperature, change, mean]).Label);
            }
        }
    }

    [Fact]
    public void ToPoint_prediction_isTheInfluxLine()
    {
        var reading = new MachineReading("press 1", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), 61.5);
        var line = RegimesPipeline.ToPoint(new RegimePrediction(reading, 0.5, 60, "working", 1, 0.75)).ToString();

        line.ShouldBe("machine,machine=press\\ 1 temperature=61.5,regime=1i,regime_label=\"working\",probability=0.75 1700000000123000000");
    }

    [Fact]
    public void PredictionFromJson_resultsMessage_roundTrips()
    {
        var p = new RegimePrediction(new MachineReading("m1", DateTimeOffset.FromUnixTimeMilliseconds(5000), 80.25, 2), 1.5, 79, "overload", 2, 0.99);

        RegimesPipeline.PredictionFromJson(RegimesPipeline.ToJson(p)).ShouldBe(p);
        RegimesPipeline.ReadingFromJson(RegimesPipeline.ReadingToJson(p.Reading)).ShouldBe(p.Reading);
        Should.Throw<System.Text.Json.JsonException>(() => RegimesPipeline.ReadingFromJson("{\"Machine\":\"\",\"Temperature\":1}"u8));
    }

    [Fact]
    public void TemperatureGenerator_series_changesRegimeWithinTheSegmentBounds()
    {
        var generator = new TemperatureGenerator(7);
        var regimes = Enumerable.Range(0, 3000).Select(_ => (generator.Next(), generator.Regime)).ToList();

        var runs = new List<int>();
        var length = 1;
        for (var i = 1; i < regimes.Count; i++)
        {
            if (regimes[i].Regime == regimes[i - 1].Regime)
            {
                length++;
            }
            else
            {
                runs.Add(length);
                length = 1;
            }
        }

        runs.Count.ShouldBeGreaterThan(8);
        runs.ShouldAllBe(r => r >= 80 && r < 300);
        regimes.Select(r => r.Regime).Distinct().Order().ShouldBe([0, 1, 2]);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
