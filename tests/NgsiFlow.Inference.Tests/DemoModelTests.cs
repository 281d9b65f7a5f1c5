using System.Globalization;

namespace NgsiFlow.Inference.Tests;

/// <summary>The committed demo models reproduce scikit-learn's predictions (models/*.expected.csv).</summary>
public sealed class DemoModelTests
{
    private static readonly string Models = Path.Combine(AppContext.BaseDirectory, "models");

    private static double N(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Concrete_forest_matches_scikit_learn_on_all_rows_and_mae()
    {
        var model = OnnxModel.Load(Path.Combine(Models, "concrete-rf150.onnx"));
        model.FeatureNames.ShouldBe(["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age"]);
        model.UsesCompiledScorer.ShouldBeTrue();
        var lines = File.ReadAllLines(Path.Combine(Models, "concrete-rf150.expected.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        rows.Length.ShouldBe(1030);
        double ours = 0, theirs = 0;
        var all = new double[rows.Length * 8];
        for (var r = 0; r < rows.Length; r++)
        {
            var cells = rows[r];
            var strength = N(cells[Array.IndexOf(header, "strength")]);
            var expected = N(cells[Array.IndexOf(header, "predicted_strength")]);
            // By name, as a stream job would map an entity's attributes.
            var p = model.Predict(name => N(cells[Array.IndexOf(header, name)]));

            // The output is a float tensor (ai.onnx.ml tree ensembles): scikit-learn's prediction rounded to float.
            p.Value.ShouldBe((double)(float)expected, $"row {r}");
            ours += Math.Abs(p.Value - strength);
            theirs += Math.Abs(expected - strength);
            for (var j = 0; j < 8; j++)
            {
                all[(r * 8) + j] = N(cells[j]);
            }
        }

        Math.Abs((ours / rows.Length) - (theirs / rows.Length)).ShouldBeLessThanOrEqualTo(1e-6);
        model.Engine.ShouldBe(OnnxModelEngine.Managed);
        var batch = model.PredictBatchParallel(all, rows.Length, 2);
        for (var r = 0; r < rows.Length; r++)
        {
            batch.Value(r).ShouldBe(model.Predict(all.AsSpan(r * 8, 8)).Value);
        }
    }

    [Fact]
    public void Regime_models_match_scikit_learn()
    {
        var kmeans = OnnxModel.Load(Path.Combine(Models, "regimes-kmeans.onnx"));
        var mlp = OnnxModel.Load(Path.Combine(Models, "regimes-mlp.onnx"));
        mlp.ClassLabels.ShouldBe(["idle", "overload", "working"]);
        mlp.FeatureNames.ShouldBe(["temperature", "temperature_change", "temperature_mean10"]);
        kmeans.ScoreCount.ShouldBe(3);
        mlp.ScoreCount.ShouldBe(3);
        mlp.UsesCompiledScorer.ShouldBeFalse();
        var lines = File.ReadAllLines(Path.Combine(Models, "regimes.expected.csv"));
        var header = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        foreach (var line in lines.Skip(1))
        {
            var c = line.Split(',');
            var features = new[] { N(c[0]), N(c[1]), N(c[2]) };
            var k = kmeans.Predict(features);
            k.Label.ShouldBe(c[Col("kmeans_regime")]);
            var d = k.GetNumbers("distances");
            for (var i = 0; i < 3; i++)
            {
                d[i].ShouldBe(N(c[Col($"kmeans_distance_{i}")]), 1e-9);
            }

            var m = mlp.Predict(features);
            m.Label.ShouldBe(c[Col("mlp_label")]);
            foreach (var label in mlp.ClassLabels)
            {
                m.Probability(label).ShouldBe(N(c[Col($"mlp_p_{label}")]), 1e-9);
            }
        }
    }

    [Fact]
    public void Prediction_outputs_by_name_and_feature_overloads_agree()
    {
        var mlp = OnnxModel.Load(Path.Combine(Models, "regimes-mlp.onnx"));
        var byName = mlp.Predict(new Dictionary<string, double> { ["temperature"] = 86, ["temperature_change"] = 0.5, ["temperature_mean10"] = 84 });
        var bySpan = mlp.Predict([86.0, 0.5, 84.0]);
        var byFloat = mlp.Predict([86f, 0.5f, 84f]);
        byName.Label.ShouldBe("overload");
        bySpan.Label.ShouldBe(byName.Label);
        byFloat.Scores.ToArray().ShouldBe(bySpan.Scores.ToArray());
        byName.GetTexts("label").ShouldBe(["overload"]);
        byName.GetNumbers("probabilities").ShouldBe(byName.Probabilities.ToArray());
        byName.Probabilities.ToArray().Sum().ShouldBe(1.0, 1e-12);
        Should.Throw<ArgumentException>(() => byName.GetNumbers("nope")).Message.ShouldContain("outputs: label, probabilities");
        Should.Throw<ArgumentException>(() => byName.GetNumbers("label")).Message.ShouldContain("GetTexts");
        Should.Throw<ArgumentException>(() => byName.Probability("broken"));

        var forest = OnnxModel.Load(Path.Combine(Models, "concrete-rf150.onnx"));
        var p = forest.Predict([540.0, 0, 0, 162, 2.5, 1040, 676, 28]);
        p.Label.ShouldBeNull();
        p.LabelIndex.ShouldBe(-1);
        p.Probabilities.Length.ShouldBe(0);
        p.GetNumbers("strength").ShouldBe([p.Value]);
        forest.Outputs.Single().ShouldBe(new ModelOutputInfo("strength", ModelOutputKind.Numeric, "float"));
    }
}
