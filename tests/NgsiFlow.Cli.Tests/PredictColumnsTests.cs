using System.Globalization;
using NgsiFlow.Cli.Tests.Infrastructure;

namespace NgsiFlow.Cli.Tests;

/// <summary>
/// <c>ngsiflow predict</c> on CSV files whose header does not name the features (--columns, by position, --no-header),
/// with --engine, on models of every kind (every output written), and on the PyTorch models through ONNX Runtime.
/// </summary>
public sealed class PredictColumnsTests : IDisposable
{
    private static readonly string[] ConcreteFeatures = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age"];

    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    public static IEnumerable<object[]> TorchCases() => new[] { "lstm_regressor", "cnn_classifier", "attention_block" }.Select(n => new object[] { n });

    private static string Model(string name) => TestFiles.Data("models", name);

    private static double N(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static string[][] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToArray();

    /// <summary>The first rows of the concrete expectations: features in model order, and scikit-learn's prediction.</summary>
    private static (double[][] Features, double[] Expected) ConcreteRows(int count)
    {
        var lines = Lines(File.ReadAllText(Model("concrete-rf150.expected.csv")));
        var header = lines[0];
        var rows = lines.Skip(1).Where((_, i) => i % 50 == 7).Take(count).ToArray();
        return (rows.Select(r => ConcreteFeatures.Select(f => N(r[Array.IndexOf(header, f)])).ToArray()).ToArray(),
            rows.Select(r => N(r[Array.IndexOf(header, "predicted_strength")])).ToArray());
    }

    private string WriteRows(string name, string? header, IEnumerable<IEnumerable<double>> rows) =>
        _scratch.Write(name, (header is null ? string.Empty : header + "\n")
            + string.Join('\n', rows.Select(r => string.Join(',', r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))) + "\n");

    private static void ShouldBeConcrete(string stdout, double[] expected, string header = "strength")
    {
        var lines = Lines(stdout);
        lines[0].ShouldBe([header]);
        lines.Length.ShouldBe(expected.Length + 1);
        for (var i = 0; i < expected.Length; i++)
        {
            N(lines[i + 1][0]).ShouldBe((double)(float)expected[i], $"row {i + 1}");
        }
    }

    [Fact]
    public async Task Predict_headerNamingNoFeatureWithMatchingCount_takesColumnsByPositionAndSaysSo()
    {
        var (features, expected) = ConcreteRows(15);
        var input = WriteRows("mix.csv", "c1,c2,c3,c4,c5,c6,c7,c8", features);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input);

        result.ExitCode.ShouldBe(0, result.ToString());
        ShouldBeConcrete(result.Output, expected);
        result.Error.ShouldContain("names none of the model's features");
        result.Error.ShouldContain("taking the columns in order");
    }

    [Fact]
    public async Task Predict_columnsOption_mapsNamedColumnsToFeaturesInOrder()
    {
        var (features, expected) = ConcreteRows(12);
        // Columns reversed and an extra one in front; --columns says which holds which feature.
        var input = WriteRows("reversed.csv", "id,h,g,f,e,d,c,b,a", features.Select((r, i) => new[] { (double)i }.Concat(r.Reverse())));

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input, "--columns", "a,b,c,d,e,f,g,h");

        result.ExitCode.ShouldBe(0, result.ToString());
        ShouldBeConcrete(result.Output, expected);
    }

    [Fact]
    public async Task Predict_noHeader_takesEveryRowIncludingTheFirst()
    {
        var (features, expected) = ConcreteRows(10);
        var input = WriteRows("rows.csv", null, features);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input, "--no-header");

        result.ExitCode.ShouldBe(0, result.ToString());
        ShouldBeConcrete(result.Output, expected);
    }

    [Fact]
    public async Task Predict_noHeaderWithColumnPositions_picksThoseColumns()
    {
        var (features, expected) = ConcreteRows(10);
        var input = WriteRows("rows.csv", null, features.Select(r => r.Concat([-1.0, -2.0])));

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input, "--no-header", "--columns", "1,2,3,4,5,6,7,8");

        result.ExitCode.ShouldBe(0, result.ToString());
        ShouldBeConcrete(result.Output, expected);
    }

    [Fact]
    public async Task Predict_noHeaderWithWrongColumnCount_failsNamingBothCounts()
    {
        var input = WriteRows("rows.csv", null, [[1, 2, 3]]);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input, "--no-header");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("rows have 3 columns");
        result.Error.ShouldContain("takes 8 features");
        result.Error.ShouldContain("--columns");
    }

    [Theory]
    [InlineData("a,b,c", "lists 3 columns")]
    [InlineData("c1,c2,c3,c4,c5,c6,c7,nine", "column 'nine'")]
    public async Task Predict_badColumnsOption_failsNamingTheProblem(string columns, string expected)
    {
        var input = WriteRows("mix.csv", "c1,c2,c3,c4,c5,c6,c7,c8", ConcreteRows(2).Features);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input, "--columns", columns);

        result.ExitCode.ShouldBe(1);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(expected);
    }

    [Fact]
    public async Task Predict_noHeaderWithColumnNames_failsAskingForPositions()
    {
        var input = WriteRows("rows.csv", null, ConcreteRows(2).Features);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input, "--no-header", "--columns", "cement,slag,ash,water,superplastic,coarseagg,fineagg,age");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("1-based column positions");
        result.Error.ShouldContain("'cement'");
    }

    [Fact]
    public async Task Predict_onnxRuntimeEngine_writesTheManagedEvaluatorsResultsAndSaysWhichEngine()
    {
        var input = Model("regimes.expected.csv");

        var managed = await CliRunner.RunAsync("predict", "--model", Model("regimes-mlp.onnx"), "--input", input, "--engine", "managed");
        var runtime = await CliRunner.RunAsync("predict", "--model", Model("regimes-mlp.onnx"), "--input", input, "--engine", "onnxruntime");

        managed.ExitCode.ShouldBe(0, managed.ToString());
        runtime.ExitCode.ShouldBe(0, runtime.ToString());
        runtime.Error.ShouldContain("ONNX Runtime");
        managed.Error.ShouldNotContain("ONNX Runtime");
        var a = Lines(managed.Output);
        var b = Lines(runtime.Output);
        b[0].ShouldBe(a[0]);
        b.Length.ShouldBe(501);
        for (var r = 1; r < a.Length; r++)
        {
            b[r][0].ShouldBe(a[r][0], $"row {r}");
            for (var j = 1; j < a[r].Length; j++)
            {
                N(b[r][j]).ShouldBe(N(a[r][j]), 1e-12, $"row {r} column {a[0][j]}");
            }
        }
    }

    [Fact]
    public async Task Predict_unknownEngine_failsListingTheEngines()
    {
        var result = await CliRunner.RunAsync("predict", "--model", Model("regimes-mlp.onnx"), "--input", Model("regimes.expected.csv"), "--engine", "gpu");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("auto, managed or onnxruntime");
    }

    [Fact]
    public async Task Predict_kmeans_writesTheRegimeAndEachDistance()
    {
        var expected = Lines(File.ReadAllText(Model("regimes.expected.csv")));
        int Col(string name) => Array.IndexOf(expected[0], name);

        var result = await CliRunner.RunAsync("predict", "--model", Model("regimes-kmeans.onnx"), "--input", Model("regimes.expected.csv"));

        result.ExitCode.ShouldBe(0, result.ToString());
        var output = Lines(result.Output);
        output[0].ShouldBe(["regime", "distances_0", "distances_1", "distances_2"]);
        output.Length.ShouldBe(expected.Length);
        for (var r = 1; r < output.Length; r++)
        {
            output[r][0].ShouldBe(expected[r][Col("kmeans_regime")], $"row {r}");
            for (var j = 0; j < 3; j++)
            {
                N(output[r][1 + j]).ShouldBe(N(expected[r][Col($"kmeans_distance_{j}")]), 1e-9, $"row {r} distance {j}");
            }
        }

        output.Skip(1).Select(r => r[0]).Distinct().Count().ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(TorchCases))]
    public async Task Predict_torchModelOnPositionalColumns_matchesPyTorchWithin1e5(string name)
    {
        // The expectations file: "in:j" columns name no feature and are exactly as many as the features.
        var expected = Lines(File.ReadAllText(TestFiles.Data("torch", name + ".csv")));
        var inputs = expected[0].Count(h => h.StartsWith("in:", StringComparison.Ordinal));
        var input = _scratch.Write(name + ".csv", string.Join('\n', expected.Select(r => string.Join(',', r.Take(inputs)))) + "\n");

        var result = await CliRunner.RunAsync("predict", "--model", TestFiles.Data("torch", name + ".onnx"), "--input", input);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("ONNX Runtime");
        result.Error.ShouldContain("taking the columns in order");
        var output = Lines(result.Output);
        output.Length.ShouldBe(expected.Length);
        var outs = expected[0].Skip(inputs).ToArray();
        output[0].Length.ShouldBe(outs.Length);
        for (var r = 1; r < output.Length; r++)
        {
            for (var j = 0; j < outs.Length; j++)
            {
                var e = expected[r][inputs + j];
                var a = output[r][j];
                if (outs[j].StartsWith("out:label:", StringComparison.Ordinal))
                {
                    a.ShouldBe(e, $"{name} row {r} {outs[j]}");
                }
                else
                {
                    Math.Abs(N(a) - N(e)).ShouldBeLessThanOrEqualTo(Math.Max(1e-5, 1e-5 * Math.Abs(N(e))), $"{name} row {r} {outs[j]}: PyTorch {e}, ngsiflow {a}");
                }
            }
        }
    }
}
