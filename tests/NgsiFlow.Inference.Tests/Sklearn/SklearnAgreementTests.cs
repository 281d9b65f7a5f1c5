using System.Globalization;
using NgsiFlow.Inference.Internal;

namespace NgsiFlow.Inference.Tests.Sklearn;

/// <summary>
/// Every ai.onnx.ml operator against scikit-learn: models and expected outputs written by
/// tools/models/test_models.py (scikit-learn's own predict / predict_proba / transform). Numbers agree
/// within 1e-5 relative (absolute 1e-6 near zero), labels exactly.
/// </summary>
public sealed class SklearnAgreementTests
{
    private static readonly string Folder = SklearnCases.Folder;

    public static IEnumerable<object[]> Cases() => SklearnCases.Names().Select(n => new object[] { n });

    [Fact]
    public void Cases_cover_every_ml_operator_and_kind()
    {
        var names = Cases().Select(c => (string)c[0]).ToList();
        names.Count.ShouldBeGreaterThanOrEqualTo(40);
        var ops = names.SelectMany(n => Graph.Load(SklearnCases.Bytes(n), n).Nodes.Select(x => x.Node.OpType)).ToHashSet();
        foreach (var op in Operators.MlOperators)
        {
            ops.ShouldContain(op);
        }

        names.ShouldContain("tree_regressor_depth1");
        names.ShouldContain("tree_regressor_depth20");
        names.ShouldContain("tree_classifier_depth20");
        names.ShouldContain("hist_gradient_boosting_classifier_multiclass_missing");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Graph_batch_matches_scikit_learn(string name)
    {
        var graph = Graph.Load(SklearnCases.Bytes(name), name);
        var csv = ExpectedCsv.Read(Path.Combine(Folder, name + ".csv"));
        var input = graph.Inputs[0];
        var n = csv.Rows.Count;
        var width = csv.InputColumns.Length;
        int[] shape = input.Dims is { Length: 1 } ? [n] : [n, width];
        Tensor x;
        if (input.Type == ElementType.String)
        {
            x = new Tensor(shape, Enumerable.Range(0, n).SelectMany(csv.InputTexts).ToArray());
        }
        else
        {
            var data = Enumerable.Range(0, n).SelectMany(csv.Inputs).ToArray();
            ElementTypes.Narrow(input.Type, data);
            x = new Tensor(input.Type, shape, data);
        }

        var outputs = graph.Run([x]);
        for (var o = 0; o < graph.Outputs.Length; o++)
        {
            var outName = graph.Outputs[o].Name;
            for (var r = 0; r < n; r++)
            {
                var expected = csv.Output(r, outName);
                expected.ShouldNotBeEmpty($"{name}: no expected values for output {outName}");
                string[] actual = outputs[o] switch
                {
                    Tensor { IsString: true } t => t.Strings.Skip(r * (t.Length / n)).Take(t.Length / n).ToArray(),
                    Tensor t => t.Numbers.Skip(r * (t.Length / n)).Take(t.Length / n).Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
                    MapSequence m => ZipMapRow(m, r, expected),
                    _ => [],
                };
                actual.Length.ShouldBe(expected.Length, $"{name} row {r} output {outName}");
                for (var j = 0; j < expected.Length; j++)
                {
                    Agree(actual[j], expected[j].Value, $"{name} row {r} output {outName}[{expected[j].Key}]");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Model_single_rows_match_batch_and_scikit_learn(string name)
    {
        var model = OnnxModel.Load(SklearnCases.Bytes(name), name);
        var csv = ExpectedCsv.Read(Path.Combine(Folder, name + ".csv"));
        if (model.Outputs.Count == 0 || name is "label_encoder")
        {
            return; // string inputs are not features; the graph test above covers this case
        }

        var rows = Enumerable.Range(0, csv.Rows.Count).Select(csv.Inputs).ToArray();
        var batch = model.PredictBatch(rows.SelectMany(r => r).ToArray(), rows.Length);
        for (var r = 0; r < rows.Length; r++)
        {
            var one = model.Predict(rows[r]);
            one.Scores.ToArray().ShouldBe(batch.Scores(r).ToArray(), $"{name} row {r}: single row and batch differ");
            one.Label.ShouldBe(batch.Label(r));
            foreach (var output in model.Outputs)
            {
                var expected = csv.Output(r, output.Name);
                if (output.Kind == ModelOutputKind.Label)
                {
                    one.Label.ShouldBe(expected[0].Value, $"{name} row {r} label");
                    continue;
                }

                var values = one.GetNumbers(output.Name);
                values.Length.ShouldBe(expected.Length, $"{name} row {r} output {output.Name}");
                for (var j = 0; j < expected.Length; j++)
                {
                    Agree(values[j].ToString("R", CultureInfo.InvariantCulture), expected[j].Value, $"{name} row {r} output {output.Name}[{j}]");
                }
            }

            if (model.IsClassifier && model.ClassLabels.Count > 0)
            {
                one.Probabilities.Length.ShouldBe(model.ClassLabels.Count);
                one.Value.ShouldBe(one.Probability(one.Label!));
            }
        }
    }

    private static string[] ZipMapRow(MapSequence m, int row, (string Key, string Value)[] expected)
    {
        var keys = m.IntKeys?.Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray() ?? m.StringKeys!;
        return expected.Select(e => m.Rows[row][Array.IndexOf(keys, e.Key)].ToString("R", CultureInfo.InvariantCulture)).ToArray();
    }

    internal static void Agree(string actual, string expected, string what)
    {
        var isNumber = double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e) || expected == "nan";
        if (!isNumber || !expected.Contains('.', StringComparison.Ordinal) && !expected.Contains('e', StringComparison.Ordinal) && !expected.Contains("nan", StringComparison.Ordinal))
        {
            // Labels (and integers) must match exactly.
            var a = double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var av) && isNumber ? av.ToString("R", CultureInfo.InvariantCulture) : actual;
            var x = isNumber ? e.ToString("R", CultureInfo.InvariantCulture) : expected;
            a.ShouldBe(x, what);
            return;
        }

        e = ExpectedCsv.Number(expected);
        var v = ExpectedCsv.Number(actual);
        if (double.IsNaN(e))
        {
            double.IsNaN(v).ShouldBeTrue(what);
            return;
        }

        Math.Abs(v - e).ShouldBeLessThanOrEqualTo(Math.Max(1e-6, 1e-5 * Math.Abs(e)), $"{what}: expected {expected}, got {actual}");
    }
}
