namespace NgsiFlow.Inference.Tests;

/// <summary>Bad models and bad inputs give errors that say what is wrong and where.</summary>
public sealed class ErrorTests
{
    /// <summary>These tests are about the managed evaluator's own refusals; with Auto, ONNX Runtime would take some of these models.</summary>
    private static readonly OnnxModelOptions Managed = new() { Engine = OnnxModelEngine.Managed };

    [Fact]
    public void Load_unsupported_operator_names_operator_and_node()
    {
        var bytes = OnnxBuilder.Model([OnnxBuilder.Node("Conv", "", ["X", "W"], ["Y"])], [OnnxBuilder.Tensor("X", 1, -1, 2), OnnxBuilder.Tensor("W", 1, 1, 1)], [OnnxBuilder.Tensor("Y", 1, -1, 2)]);
        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load(bytes, "conv.onnx", Managed));
        ex.Message.ShouldContain("ai.onnx.Conv");
        ex.Message.ShouldContain("node 'conv_0'");
        ex.Message.ShouldContain("conv.onnx");
    }

    [Fact]
    public void Load_unknown_domain_names_domain_and_operator()
    {
        var bytes = OnnxBuilder.Model([OnnxBuilder.Node("Custom", "com.example", ["X"], ["Y"])], [OnnxBuilder.Tensor("X", 1, -1, 2)], [OnnxBuilder.Tensor("Y", 1, -1, 2)]);
        Should.Throw<ModelLoadException>(() => OnnxModel.Load(bytes, "m")).Message.ShouldContain("com.example.Custom");
    }

    [Theory]
    [InlineData(21, 3, "opset 21 of domain 'ai.onnx'")]
    [InlineData(5, 3, "opset 5 of domain 'ai.onnx'")]
    public void Load_unsupported_core_opset_is_refused(long core, long ml, string expected)
    {
        var bytes = OnnxBuilder.Model([OnnxBuilder.Node("Relu", "", ["X"], ["Y"])], [OnnxBuilder.Tensor("X", 1, -1, 2)], [OnnxBuilder.Tensor("Y", 1, -1, 2)], core, ml);
        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load(bytes, "m", Managed));
        ex.Message.ShouldContain(expected);
        ex.Message.ShouldContain("Relu");
    }

    [Fact]
    public void Load_unsupported_ml_opset_is_refused()
    {
        var bytes = OnnxBuilder.OneSplitRegressor("BRANCH_LEQ");
        var model = Onnx.ModelProto.Parser.ParseFrom(bytes);
        model.OpsetImport[1].Version = 5;
        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load(Google.Protobuf.MessageExtensions.ToByteArray(model), "m", Managed));
        ex.Message.ShouldContain("opset 5 of domain 'ai.onnx.ml'");
        ex.Message.ShouldContain("TreeEnsembleRegressor");
    }

    [Fact]
    public void Load_node_input_that_nothing_produces_is_named()
    {
        var bytes = OnnxBuilder.Model([OnnxBuilder.Node("Add", "", ["X", "bias"], ["Y"])], [OnnxBuilder.Tensor("X", 1, -1, 2)], [OnnxBuilder.Tensor("Y", 1, -1, 2)]);
        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load(bytes, "m"));
        ex.Message.ShouldContain("'bias'");
        ex.Message.ShouldContain("node 'add_0' (Add)");
    }

    [Fact]
    public void Load_bad_tree_attributes_name_the_node()
    {
        var bytes = OnnxBuilder.OneSplitRegressor("BRANCH_SOMETIMES");
        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load(bytes, "m"));
        ex.Message.ShouldContain("BRANCH_SOMETIMES");
        ex.Message.ShouldContain("treeensembleregressor_0");
    }

    [Fact]
    public void Load_garbage_bytes_is_a_clear_error()
    {
        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load([0xff, 0xff, 0xff, 0x01, 0x02], "junk.onnx"));
        ex.Message.ShouldContain("junk.onnx");
        ex.Message.ShouldContain("not a valid ONNX model");
    }

    [Fact]
    public void Load_missing_file_names_the_path()
    {
        Should.Throw<FileNotFoundException>(() => OnnxModel.Load("/nonexistent/model.onnx")).Message.ShouldContain("/nonexistent/model.onnx");
    }

    [Fact]
    public void Predict_wrong_feature_count_names_the_features()
    {
        var model = OnnxModel.Load(OnnxBuilder.OneSplitRegressor("BRANCH_LEQ"), "m");
        var ex = Should.Throw<ModelInputException>(() => model.Predict([1.0, 2.0, 3.0]));
        ex.Message.ShouldContain("takes 2 features");
        ex.Message.ShouldContain("X_0, X_1");
    }

    [Fact]
    public void Predict_missing_feature_by_name_names_it()
    {
        var model = OnnxModel.Load(OnnxBuilder.OneSplitRegressor("BRANCH_LEQ"), "m");
        var ex = Should.Throw<ModelInputException>(() => model.Predict(new Dictionary<string, double> { ["X_0"] = 1 }));
        ex.Message.ShouldContain("Feature 'X_1' is missing");
    }

    [Fact]
    public void PredictBatch_partial_row_is_refused()
    {
        var model = OnnxModel.Load(OnnxBuilder.OneSplitRegressor("BRANCH_LEQ"), "m");
        Should.Throw<ModelInputException>(() => model.PredictBatch(new double[5], 3)).Message.ShouldContain("need 6 values, got 5");
    }

    [Fact]
    public void Run_wrong_input_shape_names_the_input()
    {
        var bytes = OnnxBuilder.Model([OnnxBuilder.Node("Relu", "", ["X"], ["Y"])], [OnnxBuilder.Tensor("X", 1, -1, 3)], [OnnxBuilder.Tensor("Y", 1, -1, 3)]);
        var graph = Internal.Graph.Load(bytes, "m");
        var ex = Should.Throw<ModelInputException>(() => graph.Run([new Internal.Tensor(Internal.ElementType.Float, [2, 2], new double[4])]));
        ex.Message.ShouldContain("Input 'X' expects shape [?,3], got [2,2]");
    }

    [Fact]
    public void Run_kernel_failure_names_the_node()
    {
        var bytes = OnnxBuilder.Model([OnnxBuilder.Node("MatMul", "", ["A", "B"], ["Y"])], [OnnxBuilder.Tensor("A", 1, 2, 3), OnnxBuilder.Tensor("B", 1, 2, 3)], [OnnxBuilder.Tensor("Y", 1, 2, 3)]);
        var graph = Internal.Graph.Load(bytes, "m");
        var a = new Internal.Tensor(Internal.ElementType.Float, [2, 3], new double[6]);
        var ex = Should.Throw<ModelInputException>(() => graph.Run([a, a]));
        ex.Message.ShouldContain("node 'matmul_0' (MatMul)");
        ex.Message.ShouldContain("inner dimensions");
    }

    [Fact]
    public void Load_tree_with_a_node_shared_by_two_parents_is_refused()
    {
        var bytes = OnnxBuilder.Model(
            [OnnxBuilder.Node("TreeEnsembleRegressor", "ai.onnx.ml", ["X"], ["Y"],
                OnnxBuilder.Ints("nodes_treeids", 0, 0, 0), OnnxBuilder.Ints("nodes_nodeids", 0, 1, 2), OnnxBuilder.Ints("nodes_featureids", 0, 0, 0),
                OnnxBuilder.Strings("nodes_modes", "BRANCH_LEQ", "BRANCH_LEQ", "LEAF"), OnnxBuilder.Floats("nodes_values", 1f, 1f, 0f),
                OnnxBuilder.Ints("nodes_truenodeids", 1, 0, 0), OnnxBuilder.Ints("nodes_falsenodeids", 2, 2, 0),
                OnnxBuilder.Ints("target_treeids", 0), OnnxBuilder.Ints("target_nodeids", 2), OnnxBuilder.Ints("target_ids", 0), OnnxBuilder.Floats("target_weights", 1f))],
            [OnnxBuilder.Tensor("X", 1, -1, 1)], [OnnxBuilder.Tensor("Y", 1, -1, 1)]);
        Should.Throw<ModelLoadException>(() => OnnxModel.Load(bytes, "m")).Message.ShouldContain("more than one parent");
    }
}
