using System.Globalization;
using NgsiFlow.Inference.Tests.Sklearn;

namespace NgsiFlow.Inference.Tests;

/// <summary>Which evaluator a model gets, what each refuses, and that ONNX Runtime gives the managed evaluator's results.</summary>
public sealed class EngineTests
{
    private static readonly string Models = Path.Combine(AppContext.BaseDirectory, "models");
    private static readonly string Torch = Path.Combine(AppContext.BaseDirectory, "TestData", "torch");
    private static readonly OnnxModelOptions Managed = new() { Engine = OnnxModelEngine.Managed };
    private static readonly OnnxModelOptions Runtime = new() { Engine = OnnxModelEngine.OnnxRuntime };

    public static IEnumerable<object[]> NumericSklearnCases() =>
        SklearnCases.Names().Where(n => n is not "label_encoder").Select(n => new object[] { n });

    [Fact]
    public void Load_autoWhenManagedCoversEveryNode_usesManaged()
    {
        using var model = OnnxModel.Load(Path.Combine(Models, "concrete-rf150.onnx"));

        model.Engine.ShouldBe(OnnxModelEngine.Managed);
        model.FallbackReason.ShouldBeNull();
        model.UsesCompiledScorer.ShouldBeTrue();
    }

    [Fact]
    public void Load_autoWithAnOperatorManagedLacks_usesOnnxRuntimeAndSaysWhich()
    {
        using var model = OnnxModel.Load(Path.Combine(Torch, "lstm_regressor.onnx"));

        model.Engine.ShouldBe(OnnxModelEngine.OnnxRuntime);
        model.FallbackReason.ShouldNotBeNull();
        model.FallbackReason.ShouldContain("is not supported");
        model.FallbackReason.ShouldContain("node '");
        model.FeatureNames.Count.ShouldBe(36);
    }

    [Fact]
    public void Load_managedEngineWithAnOperatorItLacks_throwsNamingOperatorAndNode()
    {
        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load(Path.Combine(Torch, "cnn_classifier.onnx"), Managed));

        ex.Operator.ShouldBe("ai.onnx.Conv");
        ex.Node.ShouldNotBeNullOrEmpty();
        ex.Message.ShouldContain("ai.onnx.Conv");
        ex.Message.ShouldContain($"node '{ex.Node}'");
    }

    [Fact]
    public void Load_operatorNeitherEvaluatorRuns_throwsNamingOperatorNodeAndBothReasons()
    {
        var bytes = OnnxBuilder.Model([OnnxBuilder.Node("Frobnicate", "com.example", ["X"], ["Y"])], [OnnxBuilder.Tensor("X", 1, -1, 2)], [OnnxBuilder.Tensor("Y", 1, -1, 2)]);

        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load(bytes, "custom.onnx"));

        ex.Operator.ShouldBe("com.example.Frobnicate");
        ex.Node.ShouldBe("frobnicate_0");
        ex.Message.ShouldContain("node 'frobnicate_0' (com.example.Frobnicate)");
        ex.Message.ShouldContain("ONNX Runtime cannot run it either");
        ex.Message.ShouldContain("custom.onnx");
    }

    [Fact]
    public void Load_declaredOutputTypeContradictingInference_isRefusedByEveryEngine()
    {
        // The defect of the first concrete model: a float tree-ensemble output declared double.
        var bytes = OnnxBuilder.OneSplitRegressor("BRANCH_LEQ");
        var model = Onnx.ModelProto.Parser.ParseFrom(bytes);
        model.Graph.Output[0].Type.TensorType.ElemType = 11;
        var mistyped = Google.Protobuf.MessageExtensions.ToByteArray(model);

        var managed = Should.Throw<ModelLoadException>(() => OnnxModel.Load(mistyped, "mistyped.onnx", Managed));
        var auto = Should.Throw<ModelLoadException>(() => OnnxModel.Load(mistyped, "mistyped.onnx"));
        var runtime = Should.Throw<ModelLoadException>(() => OnnxModel.Load(mistyped, "mistyped.onnx", Runtime));

        managed.Message.ShouldContain("output 'Y' is float by ONNX type inference, but the graph declares it double");
        managed.Message.ShouldContain("TreeEnsembleRegressor");
        auto.Message.ShouldBe(managed.Message);
        runtime.Message.ShouldContain("ONNX Runtime");
        runtime.Message.ShouldContain("mistyped.onnx");
    }

    [Fact]
    public void Load_inputsBreakingATypeConstraint_isRefusedNamingTheNode()
    {
        var bytes = OnnxBuilder.Model(
            [OnnxBuilder.Node("Cast", "", ["X"], ["D"], OnnxBuilder.Int("to", 11)), OnnxBuilder.Node("Add", "", ["X", "D"], ["Y"])],
            [OnnxBuilder.Tensor("X", 1, -1, 2)], [OnnxBuilder.Tensor("Y", 1, -1, 2)]);

        var ex = Should.Throw<ModelLoadException>(() => OnnxModel.Load(bytes, "m", Managed));

        ex.Message.ShouldContain("node 'add_0' (Add)");
        ex.Message.ShouldContain("must have the same element type");
        ex.Node.ShouldBe("add_0");
    }

    [Fact]
    public void Validate_undefinedEngine_throwsNamingTheOption()
    {
        var options = new OnnxModelOptions { Engine = (OnnxModelEngine)7 };

        var ex = Should.Throw<ArgumentOutOfRangeException>(() => OnnxModel.Load(Path.Combine(Models, "regimes-mlp.onnx"), options));

        ex.ParamName.ShouldBe("Engine");
    }

    [Theory]
    [InlineData("auto", OnnxModelEngine.Auto)]
    [InlineData("Managed", OnnxModelEngine.Managed)]
    [InlineData("onnxruntime", OnnxModelEngine.OnnxRuntime)]
    public void ParseEngine_knownName_givesTheEngine(string name, OnnxModelEngine expected) =>
        OnnxModelOptions.ParseEngine(name).ShouldBe(expected);

    [Fact]
    public void ParseEngine_unknownName_throwsListingTheNames() =>
        Should.Throw<ArgumentException>(() => OnnxModelOptions.ParseEngine("gpu")).Message.ShouldContain("auto, managed or onnxruntime");

    [Theory]
    [MemberData(nameof(NumericSklearnCases))]
    public void PredictBatch_onnxRuntimeOnSklearnCase_matchesScikitLearnAndTheManagedEvaluator(string name)
    {
        var bytes = SklearnCases.Bytes(name);
        using var runtime = OnnxModel.Load(bytes, name, Runtime);
        using var managed = OnnxModel.Load(bytes, name, Managed);
        var csv = ExpectedCsv.Read(Path.Combine(SklearnCases.Folder, name + ".csv"));
        var rows = Enumerable.Range(0, csv.Rows.Count).SelectMany(csv.Inputs).ToArray();

        var ours = runtime.PredictBatch(rows, csv.Rows.Count);
        var theirs = managed.PredictBatch(rows, csv.Rows.Count);

        runtime.Engine.ShouldBe(OnnxModelEngine.OnnxRuntime);
        runtime.FeatureNames.ShouldBe(managed.FeatureNames);
        runtime.ClassLabels.ShouldBe(managed.ClassLabels);
        runtime.Outputs.ShouldBe(managed.Outputs);
        for (var r = 0; r < csv.Rows.Count; r++)
        {
            ours.Label(r).ShouldBe(theirs.Label(r), $"{name} row {r}: ONNX Runtime [{string.Join(",", ours.Scores(r).ToArray())}] managed [{string.Join(",", theirs.Scores(r).ToArray())}]");
            foreach (var output in runtime.Outputs.Where(o => o.Kind != ModelOutputKind.Label))
            {
                var expected = csv.Output(r, output.Name);
                var values = output.Kind == ModelOutputKind.LabelMap ? ours[r].Probabilities.ToArray() : ours[r].GetNumbers(output.Name);
                values.Length.ShouldBe(expected.Length, $"{name} row {r} output {output.Name}");
                for (var j = 0; j < expected.Length; j++)
                {
                    SklearnAgreementTests.Agree(values[j].ToString("R", CultureInfo.InvariantCulture), expected[j].Value, $"{name} row {r} output {output.Name}[{j}] (ONNX Runtime)");
                }
            }
        }
    }

    [Fact]
    public async Task Predict_onnxRuntimeModelFromManyThreads_givesEachRowItsOwnResult()
    {
        using var model = OnnxModel.Load(Path.Combine(Models, "regimes-mlp.onnx"), Runtime);
        var rows = Enumerable.Range(0, 64).Select(i => new[] { 30.0 + i, (i % 5) - 2.0, 29.0 + i }).ToArray();
        var expected = rows.Select(r => model.Predict(r).Scores.ToArray()).ToArray();

        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < rows.Length; i++)
                {
                    var k = (i + t) % rows.Length;
                    model.Predict(rows[k]).Scores.ToArray().ShouldBe(expected[k]);
                }
            }
        }));
        await Task.WhenAll(tasks);

        expected.Select(e => e[0]).Distinct().Count().ShouldBeGreaterThan(10);
    }

    [Fact]
    public void PredictBatchParallel_graphModelOnBothEngines_equalsPredictBatch()
    {
        var rows = Enumerable.Range(0, 3000).SelectMany(i => new[] { 20.0 + (i % 80), ((i * 7) % 9) - 4.0, 21.0 + (i % 77) }).ToArray();
        foreach (var options in new[] { Managed, Runtime })
        {
            using var model = OnnxModel.Load(Path.Combine(Models, "regimes-kmeans.onnx"), options);
            var one = model.PredictBatch(rows, 3000);
            var all = model.PredictBatchParallel(rows, 3000, 2);
            all.Count.ShouldBe(3000);
            for (var r = 0; r < 3000; r++)
            {
                all.Label(r).ShouldBe(one.Label(r), $"{options.Engine} row {r}");
                all[r].GetNumbers("distances").ShouldBe(one[r].GetNumbers("distances"), $"{options.Engine} row {r}");
            }
        }
    }
}
