using System.Globalization;
using NgsiFlow.Inference.Tests.Sklearn;

namespace NgsiFlow.Inference.Tests;

/// <summary>
/// PyTorch models exported to ONNX (tools/models/torch_models.py: an LSTM regressor, a 1-D CNN classifier, a
/// self-attention block), scored by NgsiFlow through ONNX Runtime and compared with PyTorch's own outputs on the
/// same rows, within 1e-5.
/// </summary>
public sealed class TorchModelTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "torch");

    public static IEnumerable<object[]> Cases() => new[] { "lstm_regressor", "cnn_classifier", "attention_block" }.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Cases))]
    public void PredictBatch_torchModel_matchesPyTorchWithin1e5(string name)
    {
        using var model = OnnxModel.Load(Path.Combine(Folder, name + ".onnx"));
        var csv = ExpectedCsv.Read(Path.Combine(Folder, name + ".csv"));
        var n = csv.Rows.Count;
        var rows = Enumerable.Range(0, n).SelectMany(csv.Inputs).ToArray();

        var batch = model.PredictBatch(rows, n);
        var parallel = model.PredictBatchParallel(rows, n, 2);

        model.Engine.ShouldBe(OnnxModelEngine.OnnxRuntime);
        model.FeatureNames.Count.ShouldBe(csv.InputColumns.Length);
        n.ShouldBe(40);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < n; r++)
        {
            var one = model.Predict(csv.Inputs(r));
            // ONNX Runtime picks its matrix kernels by batch size: one row and a batch may differ in the last float bits.
            one.Scores.ToArray().ShouldBe(batch.Scores(r).ToArray(), 1e-6, $"{name} row {r}: one row and the batch differ");
            parallel.Scores(r).ToArray().ShouldBe(batch.Scores(r).ToArray(), 1e-6, $"{name} row {r}: parallel batch differs");
            foreach (var output in model.Outputs)
            {
                var expected = csv.Output(r, output.Name);
                var actual = output.Kind == ModelOutputKind.Label ? one.GetTexts(output.Name) : one.GetNumbers(output.Name).Select(Text).ToArray();
                actual.Length.ShouldBe(expected.Length, $"{name} row {r} output {output.Name}");
                for (var j = 0; j < expected.Length; j++)
                {
                    Close(actual[j], expected[j].Value, $"{name} row {r} output {output.Name}[{j}]");
                }

                distinct.Add(string.Join(',', actual));
            }
        }

        // Different rows must give different answers, or a constant model would pass.
        distinct.Count.ShouldBeGreaterThan(2);
    }

    [Fact]
    public void Load_cnnClassifier_readsLabelsAndProbabilitiesByClass()
    {
        using var model = OnnxModel.Load(Path.Combine(Folder, "cnn_classifier.onnx"));
        var csv = ExpectedCsv.Read(Path.Combine(Folder, "cnn_classifier.csv"));

        var p = model.Predict(csv.Inputs(0));

        model.IsClassifier.ShouldBeTrue();
        model.ClassLabels.ShouldBe(["0", "1", "2"]);
        model.FeatureNames[0].ShouldBe("signal_0");
        model.FeatureNames[^1].ShouldBe("signal_63");
        p.Label.ShouldBe(csv.Output(0, "label")[0].Value);
        p.Probabilities.Length.ShouldBe(3);
        p.Probability(p.Label!).ShouldBe(p.Probabilities.ToArray().Max());
    }

    [Fact]
    public void Predict_wrongNumberOfValuesForASequenceModel_namesTheCount()
    {
        using var model = OnnxModel.Load(Path.Combine(Folder, "lstm_regressor.onnx"));

        var ex = Should.Throw<ModelInputException>(() => model.Predict(new double[35]));

        ex.Message.ShouldContain("takes 36 features");
    }

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static void Close(string actual, string expected, string what)
    {
        if (!expected.Contains('.', StringComparison.Ordinal) && !expected.Contains('e', StringComparison.Ordinal))
        {
            actual.ShouldBe(expected, what);
            return;
        }

        var e = double.Parse(expected, CultureInfo.InvariantCulture);
        var a = double.Parse(actual, CultureInfo.InvariantCulture);
        Math.Abs(a - e).ShouldBeLessThanOrEqualTo(Math.Max(1e-5, 1e-5 * Math.Abs(e)), $"{what}: PyTorch {expected}, NgsiFlow {actual}");
    }
}
