using System.Globalization;
using NgsiFlow.Inference.Internal.Ml;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference.Internal;

/// <summary>
/// How a loaded graph maps to features and to the value / label / probabilities a user reads: worked
/// out once at load time. When the graph is a single scoring operator (trees, linear model), possibly
/// followed by ZipMap, <see cref="Scorer"/> is set and rows are scored without building tensors.
/// </summary>
internal sealed class ModelShape
{
    public required string[] FeatureNames { get; init; }

    /// <summary>True when all features go into one [N, F] input; false when each feature is its own input.</summary>
    public required bool SingleInput { get; init; }

    public required ElementType[] InputTypes { get; init; }

    /// <summary>For a single input: its dimensions after the row dimension (one value, the width, for [N, F]).</summary>
    public int[] RowShape { get; init; } = [];

    public required ModelOutputInfo[] Outputs { get; init; }

    /// <summary>Index of the label output, -1 if none.</summary>
    public required int LabelOutput { get; init; }

    /// <summary>Index of the scores output (values for a regressor, probabilities for a classifier), -1 if none.</summary>
    public required int ScoreOutput { get; init; }

    public required bool ScoresAreProbabilities { get; init; }

    public required string[]? ClassLabels { get; init; }

    public IRowScorer? Scorer { get; init; }

    /// <summary>For the fast path: the output index of each scorer result (label, scores, zipmap); -1 when not exposed.</summary>
    public int[] ScorerOutputMap { get; init; } = [];

    /// <summary>Works out the shape of a model from its evaluator's declarations and its nodes (kernels are null under ONNX Runtime).</summary>
    public static ModelShape Build(IEvaluator graph, IReadOnlyList<(NodeProto Node, Kernel? Kernel)> nodes, string source)
    {
        var inputs = graph.Inputs;
        if (inputs.Length == 0)
        {
            throw new ModelLoadException($"{source}: the model has no inputs.");
        }

        // Which outputs are a classifier's, and its labels: from the compiled kernel, or else from the node's attributes.
        var classesOf = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (node, kernel) in nodes)
        {
            var labels = kernel is IRowScorer rowScorer ? rowScorer.ClassLabels : kernel is null ? ClassLabelsOf(node) : null;
            if (labels is not null)
            {
                foreach (var o in node.Output)
                {
                    classesOf[o] = labels;
                }
            }
        }

        var outputs = graph.Outputs.Select(o => new ModelOutputInfo(
            o.Name,
            !o.IsTensor ? ModelOutputKind.LabelMap : o.Type is ElementType.String or ElementType.Int64 or ElementType.Int32 ? ModelOutputKind.Label : ModelOutputKind.Numeric,
            !o.IsTensor ? "map" : ElementTypes.Name(o.Type))).ToArray();

        // Features.
        string[] features;
        var single = inputs.Length == 1 && inputs[0].Dims is { Length: >= 2 };
        var scorer = nodes.Count >= 1 ? nodes[0].Kernel as IRowScorer : null;
        var rowShape = Array.Empty<int>();
        if (single)
        {
            // [N, F], or [N, d1, d2, ...] (a sequence model's window, an image) whose trailing dimensions are fixed:
            // a row is then all of one sample's values, row-major, as many features as their product.
            var dims = inputs[0].Dims!;
            rowShape = dims[1..];
            var width = rowShape.Length == 1 ? rowShape[0] : rowShape.Any(x => x < 0) ? -1 : rowShape.Aggregate(1, (a, b) => checked(a * b));
            var named = graph.Metadata.TryGetValue("feature_names", out var list) ? list.Split(',', StringSplitOptions.TrimEntries) : null;
            if (width < 0 && rowShape.Length == 1)
            {
                width = named?.Length ?? scorer?.FeatureCount ?? -1;
            }

            if (named is not null && named.Length != width)
            {
                throw new ModelLoadException($"{source}: metadata feature_names lists {named.Length} names for an input of {width} columns.");
            }

            features = width < 0 ? [] : named ?? Enumerable.Range(0, width).Select(j => $"{inputs[0].Name}_{j.ToString(CultureInfo.InvariantCulture)}").ToArray();
            if (rowShape.Length == 1)
            {
                rowShape = [features.Length];
            }
        }
        else
        {
            single = false;
            features = inputs.Select(i => i.Name).ToArray();
        }

        // Label and scores.
        var label = Array.FindIndex(outputs, o => o.Kind == ModelOutputKind.Label);
        var score = Array.FindIndex(outputs, o => o.Kind == ModelOutputKind.LabelMap);
        var probabilities = score >= 0;
        if (score < 0)
        {
            score = Array.FindIndex(outputs, o => o.Kind == ModelOutputKind.Numeric && o.Name.Contains("prob", StringComparison.OrdinalIgnoreCase));
            probabilities = score >= 0;
        }

        if (score < 0)
        {
            score = Array.FindIndex(outputs, o => o.Kind == ModelOutputKind.Numeric);
            probabilities = score >= 0 && label >= 0 && classesOf.ContainsKey(outputs[score].Name);
        }

        string[]? classes = classesOf.Count > 0 ? classesOf.Values.First() : null;

        if (classes is null && graph.Metadata.TryGetValue("class_labels", out var cl))
        {
            classes = cl.Split(',', StringSplitOptions.TrimEntries);
        }

        // Fast path: one scoring node reading the graph input, maybe followed by a ZipMap of its scores.
        IRowScorer? fast = null;
        var map = Array.Empty<int>();
        if (single && scorer is not null && nodes[0].Node.Input.Count == 1 && nodes[0].Node.Input[0] == inputs[0].Name
            && (nodes.Count == 1 || (nodes.Count == 2 && nodes[1].Kernel is Ml.ZipMapKernel && nodes[1].Node.Input[0] == nodes[0].Node.Output[^1])))
        {
            if (scorer.FeatureCount > features.Length)
            {
                throw new ModelLoadException($"{source}: {nodes[0].Node.OpType} reads feature {scorer.FeatureCount - 1}, but input '{inputs[0].Name}' has {features.Length} columns.");
            }

            var produced = nodes.SelectMany(n => n.Node.Output).ToList();
            fast = scorer;
            map = produced.Select(name => Array.FindIndex(outputs, o => o.Name == name)).ToArray();
        }

        return new ModelShape
        {
            FeatureNames = features,
            SingleInput = single,
            InputTypes = inputs.Select(i => i.Type).ToArray(),
            RowShape = rowShape,
            Outputs = outputs,
            LabelOutput = label,
            ScoreOutput = score,
            ScoresAreProbabilities = probabilities,
            ClassLabels = classes,
            Scorer = fast,
            ScorerOutputMap = map,
        };
    }

    /// <summary>A classifier node's labels from its attributes (ints as invariant text), or null for any other node.</summary>
    private static string[]? ClassLabelsOf(NodeProto node)
    {
        if (node.Domain != Operators.MlDomain || !node.OpType.EndsWith("Classifier", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var a in node.Attribute)
        {
            if (a.Name is "classlabels_strings" && a.Strings.Count > 0)
            {
                return a.Strings.Select(TensorProtos.Utf8).ToArray();
            }

            if (a.Name is "classlabels_int64s" or "classlabels_ints" && a.Ints.Count > 0)
            {
                return a.Ints.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            }
        }

        return null;
    }
}
