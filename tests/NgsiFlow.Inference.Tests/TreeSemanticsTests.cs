namespace NgsiFlow.Inference.Tests;

/// <summary>Tree operator semantics that scikit-learn never produces, checked on hand-built models with known answers.</summary>
public sealed class TreeSemanticsTests
{
    [Theory]
    [InlineData("BRANCH_LEQ", 0.5, 10)]
    [InlineData("BRANCH_LEQ", 1.0, 10)]
    [InlineData("BRANCH_LEQ", 1.5, 20)]
    [InlineData("BRANCH_LT", 1.0, 20)]
    [InlineData("BRANCH_LT", 0.5, 10)]
    [InlineData("BRANCH_GTE", 1.0, 10)]
    [InlineData("BRANCH_GTE", 0.5, 20)]
    [InlineData("BRANCH_GT", 1.0, 20)]
    [InlineData("BRANCH_GT", 1.5, 10)]
    [InlineData("BRANCH_EQ", 1.0, 10)]
    [InlineData("BRANCH_EQ", 2.0, 20)]
    [InlineData("BRANCH_NEQ", 1.0, 20)]
    [InlineData("BRANCH_NEQ", 2.0, 10)]
    public void Predict_each_node_mode_takes_the_branch_the_spec_says(string mode, double a, double expected)
    {
        var model = OnnxModel.Load(OnnxBuilder.OneSplitRegressor(mode), "one-split");
        model.Predict([a, 0.0]).Value.ShouldBe(expected);
    }

    [Fact]
    public void Predict_missing_value_goes_to_the_true_branch_when_tracked()
    {
        var tracked = OnnxModel.Load(OnnxBuilder.OneSplitRegressor("BRANCH_LEQ", missingTrue: true), "tracked");
        var untracked = OnnxModel.Load(OnnxBuilder.OneSplitRegressor("BRANCH_LEQ", missingTrue: false), "untracked");
        tracked.Predict([double.NaN, 0.0]).Value.ShouldBe(10);
        untracked.Predict([double.NaN, 0.0]).Value.ShouldBe(20);
        tracked.Predict([5.0, 0.0]).Value.ShouldBe(20);
    }

    [Fact]
    public void Predict_probit_post_transform_gives_the_normal_quantile()
    {
        // Leaf weights 10 and 20 are not probabilities; scale through a one-split model with weights below 1 instead.
        var bytes = OnnxBuilder.Model(
            [OnnxBuilder.Node("TreeEnsembleRegressor", "ai.onnx.ml", ["X"], ["Y"],
                OnnxBuilder.Ints("nodes_treeids", 0, 0, 0), OnnxBuilder.Ints("nodes_nodeids", 0, 1, 2), OnnxBuilder.Ints("nodes_featureids", 0, 0, 0),
                OnnxBuilder.Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "LEAF"), OnnxBuilder.Floats("nodes_values", 1f, 0f, 0f),
                OnnxBuilder.Ints("nodes_truenodeids", 1, 0, 0), OnnxBuilder.Ints("nodes_falsenodeids", 2, 0, 0),
                OnnxBuilder.Ints("target_treeids", 0, 0), OnnxBuilder.Ints("target_nodeids", 1, 2), OnnxBuilder.Ints("target_ids", 0, 0),
                OnnxBuilder.Floats("target_weights", 0.975f, 0.5f), OnnxBuilder.String("post_transform", "PROBIT"))],
            [OnnxBuilder.Tensor("X", 1, -1, 1)], [OnnxBuilder.Tensor("Y", 1, -1, 1)]);
        var model = OnnxModel.Load(bytes, "probit");
        model.Predict([0.0]).Value.ShouldBe(1.959964, 1e-5); // Φ⁻¹(0.975)
        model.Predict([2.0]).Value.ShouldBe(0.0, 1e-7);
    }

    [Fact]
    public void Predict_softmax_zero_leaves_zero_scores_at_zero()
    {
        var bytes = OnnxBuilder.Model(
            [OnnxBuilder.Node("TreeEnsembleClassifier", "ai.onnx.ml", ["X"], ["label", "probabilities"],
                OnnxBuilder.Ints("nodes_treeids", 0), OnnxBuilder.Ints("nodes_nodeids", 0), OnnxBuilder.Ints("nodes_featureids", 0),
                OnnxBuilder.Strings("nodes_modes", "LEAF"), OnnxBuilder.Floats("nodes_values", 0f),
                OnnxBuilder.Ints("nodes_truenodeids", 0), OnnxBuilder.Ints("nodes_falsenodeids", 0),
                OnnxBuilder.Ints("class_treeids", 0, 0), OnnxBuilder.Ints("class_nodeids", 0, 0), OnnxBuilder.Ints("class_ids", 0, 2),
                OnnxBuilder.Floats("class_weights", 1f, 2f), OnnxBuilder.Strings("classlabels_strings", "a", "b", "c"),
                OnnxBuilder.String("post_transform", "SOFTMAX_ZERO"))],
            [OnnxBuilder.Tensor("X", 1, -1, 1)], [OnnxBuilder.Tensor("label", 8, -1), OnnxBuilder.Tensor("probabilities", 1, -1, 3)]);
        var p = OnnxModel.Load(bytes, "softmax-zero").Predict([0.0]);
        p.Probabilities[1].ShouldBe(0.0);
        p.Probabilities[0].ShouldBe(Math.Exp(1) / (Math.Exp(1) + Math.Exp(2)), 1e-6);
        p.Probabilities[2].ShouldBe(Math.Exp(2) / (Math.Exp(1) + Math.Exp(2)), 1e-6);
        p.Label.ShouldBe("c");
    }

    [Fact]
    public void Score_fills_a_caller_span_and_returns_the_class_index()
    {
        var model = OnnxModel.Load(OnnxBuilder.OneSplitRegressor("BRANCH_LEQ"), "one-split");
        Span<double> scores = stackalloc double[model.ScoreCount];
        model.Score([3.0, 0.0], scores).ShouldBe(-1);
        scores[0].ShouldBe(20);
    }

    [Fact]
    public void PredictBatch_wide_rows_match_single_rows()
    {
        // Feature 100 of 101: the batch path keeps its row block on the heap instead of the stack.
        var bytes = OnnxBuilder.Model(
            [OnnxBuilder.Node("TreeEnsembleRegressor", "ai.onnx.ml", ["X"], ["Y"],
                OnnxBuilder.Ints("nodes_treeids", 0, 0, 0), OnnxBuilder.Ints("nodes_nodeids", 0, 1, 2), OnnxBuilder.Ints("nodes_featureids", 100, 0, 0),
                OnnxBuilder.Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "LEAF"), OnnxBuilder.Floats("nodes_values", 0.5f, 0f, 0f),
                OnnxBuilder.Ints("nodes_truenodeids", 1, 0, 0), OnnxBuilder.Ints("nodes_falsenodeids", 2, 0, 0),
                OnnxBuilder.Ints("target_treeids", 0, 0), OnnxBuilder.Ints("target_nodeids", 1, 2), OnnxBuilder.Ints("target_ids", 0, 0),
                OnnxBuilder.Floats("target_weights", 1f, 2f))],
            [OnnxBuilder.Tensor("X", 1, -1, 101)], [OnnxBuilder.Tensor("Y", 1, -1, 1)]);
        var model = OnnxModel.Load(bytes, "wide");
        var rows = new double[300 * 101];
        for (var r = 0; r < 300; r++)
        {
            rows[(r * 101) + 100] = r % 3 == 0 ? 1.0 : r % 3 == 1 ? 0.0 : double.NaN;
        }

        var batch = model.PredictBatch(rows, 300);
        for (var r = 0; r < 300; r++)
        {
            var expected = r % 3 == 1 ? 1.0 : 2.0; // NaN is not <= 0.5 and has no missing track: false branch
            batch.Value(r).ShouldBe(expected, $"row {r}");
            model.Predict(rows.AsSpan(r * 101, 101)).Value.ShouldBe(expected, $"row {r}");
        }
    }
}
