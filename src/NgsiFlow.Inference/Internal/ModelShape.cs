using System.Globalization;
using NgsiFlow.Inference.Internal.Ml;

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

    public static ModelShape Build(Graph graph, string source)
    {
        var inputs = graph.Inputs;
        if (inputs.Length == 0)
        {
            throw new ModelLoadException($"{source}: the model has no inputs.");
        }

        var nodes = graph.Nodes.ToList();
        var kernelOf = new Dictionary<string, Kernel>(StringComparer.Ordinal);
        foreach (var (node, kernel) in nodes)
        {
            foreach (var o in node.Output)
            {
                kernelOf[o] = kernel;
            }
        }

        var outputs = graph.Outputs.Select(o => new ModelOutputInfo(
            o.Name,
            !o.IsTensor ? ModelOutputKind.LabelMap : o.Type is ElementType.String or ElementType.Int64 or ElementType.Int32 ? ModelOutputKind.Label : ModelOutputKind.Numeric,
            !o.IsTensor ? "map" : ElementTypes.Name(o.Type))).ToArray();

        // Features.
        string[] features;
        var single = inputs.Length == 1 && inputs[0].Dims is { Length: 2 } d && d[1] != 1;
        var scorer = nodes.Count >= 1 ? nodes[0].Kernel as IRowScorer : null;
        if (single || (inputs.Length == 1 && inputs[0].Dims is { Length: 2 }))
        {
            single = true;
            var width = inputs[0].Dims![1];
            var named = graph.Metadata.TryGetValue("feature_names", out var list) ? list.Split(',', StringSplitOptions.TrimEntries) : null;
            if (width < 0)
            {
                width = named?.Length ?? scorer?.FeatureCount ?? -1;
            }

            if (named is not null && named.Length != width)
            {
                throw new ModelLoadException($"{source}: metadata feature_names lists {named.Length} names for an input of {width} columns.");
            }

            features = width < 0 ? [] : named ?? Enumerable.Range(0, width).Select(j => $"{inputs[0].Name}_{j.ToString(CultureInfo.InvariantCulture)}").ToArray();
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
            probabilities = score >= 0 && label >= 0 && kernelOf.GetValueOrDefault(outputs[score].Name) is IRowScorer { ClassLabels: not null };
        }

        string[]? classes = null;
        foreach (var k in kernelOf.Values)
        {
            if (k is IRowScorer { ClassLabels: { } c })
            {
                classes = c;
                break;
            }
        }

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
            Outputs = outputs,
            LabelOutput = label,
            ScoreOutput = score,
            ScoresAreProbabilities = probabilities,
            ClassLabels = classes,
            Scorer = fast,
            ScorerOutputMap = map,
        };
    }
}
