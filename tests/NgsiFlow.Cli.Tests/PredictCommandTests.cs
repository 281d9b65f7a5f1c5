using System.Globalization;
using NgsiFlow.Cli.Tests.Infrastructure;

namespace NgsiFlow.Cli.Tests;

/// <summary>
/// <c>ngsiflow predict</c> on the committed demo models, compared with scikit-learn's predictions that the model
/// scripts wrote beside them (models/*.expected.csv).
/// </summary>
public sealed class PredictCommandTests : IDisposable
{
    private static readonly string[] ConcreteFeatures = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age"];
    private static readonly string[] RegimeFeatures = ["temperature", "temperature_change", "temperature_mean10"];

    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static string Model(string name) => TestFiles.Data("models", name);

    private sealed record Csv(string[] Header, List<string[]> Rows)
    {
        public int Column(string name)
        {
            var index = Array.IndexOf(Header, name);
            index.ShouldBeGreaterThanOrEqualTo(0, $"no column {name} in {string.Join(',', Header)}");
            return index;
        }

        public double Number(int row, string column) => double.Parse(Rows[row][Column(column)], CultureInfo.InvariantCulture);
    }

    private static Csv ReadCsv(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        lines.Count.ShouldBeGreaterThan(0, "no header");
        return new Csv(lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',')).ToList());
    }

    /// <summary>Writes the given columns of some rows of <paramref name="source"/>, in the column order given.</summary>
    private string WriteInput(string name, Csv source, IReadOnlyList<string> columns, IEnumerable<int> rows)
    {
        var lines = new List<string> { string.Join(',', columns) };
        lines.AddRange(rows.Select(r => string.Join(',', columns.Select(c => source.Rows[r][source.Column(c)]))));
        return _scratch.Write(name, string.Join('\n', lines) + "\n");
    }

    private static void ShouldBeClose(double actual, double expected, string where) =>
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(1e-9, $"{where}: {actual.ToString("R", CultureInfo.InvariantCulture)} vs scikit-learn {expected.ToString("R", CultureInfo.InvariantCulture)}");

    /// <summary>Tree ensembles output float tensors (ai.onnx.ml): scikit-learn's prediction rounded to float.</summary>
    private static void ShouldBeFloatOf(double actual, double expected, string where) =>
        actual.ShouldBe((double)(float)expected, $"{where}: {actual.ToString("R", CultureInfo.InvariantCulture)} vs scikit-learn {expected.ToString("R", CultureInfo.InvariantCulture)}");

    [Fact]
    public async Task Predict_allConcreteRowsToOutputFile_matchScikitLearnWithin1e9()
    {
        // The expected file itself is the input: its extra columns (strength, predicted_strength) must be ignored.
        var expectedPath = Model("concrete-rf150.expected.csv");
        var expected = ReadCsv(File.ReadAllText(expectedPath));
        var outPath = _scratch.File("out.csv");

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", expectedPath, "--output", outPath);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(outPath);
        var output = ReadCsv(File.ReadAllText(outPath));
        output.Header.ShouldBe(["strength"]);
        output.Rows.Count.ShouldBe(expected.Rows.Count);
        expected.Rows.Count.ShouldBe(1030);
        for (var r = 0; r < expected.Rows.Count; r++)
        {
            ShouldBeFloatOf(output.Number(r, "strength"), expected.Number(r, "predicted_strength"), $"row {r + 1}");
        }
    }

    [Fact]
    public async Task Predict_concreteRowsWithColumnsInAnotherOrder_matchScikitLearnOnStandardOutput()
    {
        var expected = ReadCsv(File.ReadAllText(Model("concrete-rf150.expected.csv")));
        var rows = Enumerable.Range(0, expected.Rows.Count).Where(r => r % 97 == 5).ToList();
        // Reversed columns: the command must pick features by header name, not by position.
        var input = WriteInput("reordered.csv", expected, [.. ConcreteFeatures.Reverse()], rows);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input);

        result.ExitCode.ShouldBe(0, result.ToString());
        var output = ReadCsv(result.Output);
        output.Header.ShouldBe(["strength"]);
        output.Rows.Count.ShouldBe(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            ShouldBeFloatOf(output.Number(i, "strength"), expected.Number(rows[i], "predicted_strength"), $"source row {rows[i] + 1}");
        }
    }

    [Fact]
    public async Task Predict_classifier_writesLabelAndOneProbabilityPerClassMatchingScikitLearn()
    {
        var expected = ReadCsv(File.ReadAllText(Model("regimes.expected.csv")));
        var classes = expected.Header.Where(h => h.StartsWith("mlp_p_", StringComparison.Ordinal)).Select(h => h["mlp_p_".Length..]).ToList();
        classes.Count.ShouldBe(3);
        var rows = Enumerable.Range(0, expected.Rows.Count).Where(r => r % 10 == 3).ToList();
        var input = WriteInput("regimes.csv", expected, RegimeFeatures, rows);

        var result = await CliRunner.RunAsync("predict", "--model", Model("regimes-mlp.onnx"), "--input", input);

        result.ExitCode.ShouldBe(0, result.ToString());
        var output = ReadCsv(result.Output);
        output.Header.ShouldBe(["label", .. classes.Select(c => "probabilities_" + c)]);
        output.Rows.Count.ShouldBe(rows.Count);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var label = output.Rows[i][output.Column("label")];
            label.ShouldBe(expected.Rows[rows[i]][expected.Column("mlp_label")], $"source row {rows[i] + 1}");
            labels.Add(label);
            foreach (var c in classes)
            {
                ShouldBeClose(output.Number(i, "probabilities_" + c), expected.Number(rows[i], "mlp_p_" + c), $"source row {rows[i] + 1}, class {c}");
            }
        }

        // The sample must exercise more than one class, or a constant answer would pass.
        labels.Count.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Predict_headerOnly_writesTheHeaderAndNoRows()
    {
        var input = _scratch.Write("header.csv", string.Join(',', ConcreteFeatures) + "\n");

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input);

        result.ExitCode.ShouldBe(0, result.ToString());
        ReadCsv(result.Output).Rows.ShouldBeEmpty();
    }

    [Fact]
    public async Task Predict_missingColumn_failsNamingTheColumn()
    {
        var expected = ReadCsv(File.ReadAllText(Model("concrete-rf150.expected.csv")));
        var input = WriteInput("noash.csv", expected, [.. ConcreteFeatures.Where(f => f != "ash")], [0, 1]);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain("'ash'");
        result.Error.ShouldContain(input);
    }

    [Fact]
    public async Task Predict_badNumber_failsNamingRowAndColumn()
    {
        var expected = ReadCsv(File.ReadAllText(Model("concrete-rf150.expected.csv")));
        var input = WriteInput("bad.csv", expected, ConcreteFeatures, [0, 1, 2, 3]);
        var lines = File.ReadAllLines(input);
        var cells = lines[3].Split(',');
        cells[Array.IndexOf(ConcreteFeatures, "water")] = "12x5";
        lines[3] = string.Join(',', cells);
        File.WriteAllLines(input, lines);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain("row 3");
        result.Error.ShouldContain("'water'");
        result.Error.ShouldContain("12x5");
    }

    [Fact]
    public async Task Predict_rowWithTooFewCells_failsNamingTheLine()
    {
        var input = _scratch.Write("short.csv", string.Join(',', ConcreteFeatures) + "\n540,0,0,162,2.5,1040,676,28\n1,2,3\n");

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain("line 3");
        result.Error.ShouldContain("'water'");
    }

    [Fact]
    public async Task Predict_missingModelFile_failsNamingTheFile()
    {
        var model = _scratch.File("absent.onnx");
        var input = _scratch.Write("in.csv", string.Join(',', ConcreteFeatures) + "\n540,0,0,162,2.5,1040,676,28\n");

        var result = await CliRunner.RunAsync("predict", "--model", model, "--input", input);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(model);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("empty")]
    [InlineData("truncated")]
    public async Task Predict_fileThatIsNotOnnx_failsSayingSo(string kind)
    {
        var model = _scratch.File(kind + ".onnx");
        switch (kind)
        {
            case "text":
                File.Copy(Model("concrete-rf150.expected.csv"), model);
                break;
            case "empty":
                await File.WriteAllBytesAsync(model, []);
                break;
            default:
                await File.WriteAllBytesAsync(model, (await File.ReadAllBytesAsync(Model("concrete-rf150.onnx")))[..4000]);
                break;
        }

        var input = _scratch.Write("in.csv", string.Join(',', ConcreteFeatures) + "\n540,0,0,162,2.5,1040,676,28\n");

        var result = await CliRunner.RunAsync("predict", "--model", model, "--input", input);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(Path.GetFileName(model));
        result.Error.ShouldContain("ONNX");
    }

    [Fact]
    public async Task Predict_missingInputFile_failsNamingTheFile()
    {
        var input = _scratch.File("absent.csv");

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(input);
    }

    [Fact]
    public async Task Predict_emptyInputFile_failsAskingForAHeader()
    {
        var input = _scratch.Write("empty.csv", string.Empty);

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input);

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain(input);
        result.Error.ShouldContain("header");
    }

    [Fact]
    public async Task Predict_outputInMissingFolder_failsNamingThePath()
    {
        var input = _scratch.Write("in.csv", string.Join(',', ConcreteFeatures) + "\n540,0,0,162,2.5,1040,676,28\n");
        var target = Path.Combine(_scratch.Path, "no-such-folder", "out.csv");

        var result = await CliRunner.RunAsync("predict", "--model", Model("concrete-rf150.onnx"), "--input", input, "--output", target);

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain(target);
        File.Exists(target).ShouldBeFalse();
    }

    [Fact]
    public async Task Predict_withoutModelOption_failsNamingTheOption()
    {
        var input = _scratch.Write("in.csv", string.Join(',', ConcreteFeatures) + "\n540,0,0,162,2.5,1040,676,28\n");

        var result = await CliRunner.RunAsync("predict", "--input", input);

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("--model");
    }
}
