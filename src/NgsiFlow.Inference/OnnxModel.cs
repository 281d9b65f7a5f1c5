using NgsiFlow.Inference.Internal;

namespace NgsiFlow.Inference;

/// <summary>
/// An ONNX model loaded, validated and compiled for evaluation in managed code. Load once, then call
/// <see cref="Predict(ReadOnlySpan{double})"/> per row or <see cref="PredictBatch(ReadOnlySpan{double}, int)"/>
/// for many rows. Instances are immutable and safe to use from several threads at once.
/// </summary>
/// <remarks>
/// Features are the model's inputs in a fixed order (<see cref="FeatureNames"/>): the columns of a single
/// [N, F] input, named by the model's "feature_names" metadata when present, or one feature per input
/// when the model has several [N, 1] inputs. The model knows nothing about NGSI: map an entity's
/// attributes to features by name with <see cref="Predict(Func{string, double?})"/>.
/// </remarks>
public sealed partial class OnnxModel
{
    private readonly Graph _graph;
    private readonly ModelShape _shape;
    private readonly Dictionary<string, int> _featureIndex;

    private OnnxModel(Graph graph, ModelShape shape, string name)
    {
        _graph = graph;
        _shape = shape;
        Name = name;
        _featureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < shape.FeatureNames.Length; i++)
        {
            _featureIndex.TryAdd(shape.FeatureNames[i], i);
        }
    }

    /// <summary>The model's name: the file name it was loaded from, or the name given to <see cref="Load(byte[], string)"/>.</summary>
    public string Name { get; }

    /// <summary>The features a row must supply, in order.</summary>
    public IReadOnlyList<string> FeatureNames => _shape.FeatureNames;

    /// <summary>The graph's outputs, in declaration order.</summary>
    public IReadOnlyList<ModelOutputInfo> Outputs => _shape.Outputs;

    /// <summary>Class labels in score order, for classifiers (and models whose metadata lists "class_labels"); empty otherwise.</summary>
    public IReadOnlyList<string> ClassLabels => _shape.ClassLabels ?? [];

    /// <summary>True when the model produces a label per row.</summary>
    public bool IsClassifier => _shape.LabelOutput >= 0;

    /// <summary>Number of scores per row: regression targets, or one probability per class; -1 when the graph does not declare it.</summary>
    public int ScoreCount => _shape.Scorer?.ScoreCount
        ?? (_shape.ScoreOutput >= 0 && _graph.Outputs[_shape.ScoreOutput].Dims is { Length: > 1 } dims && dims[^1] > 0 ? dims[^1]
        : _shape.ScoresAreProbabilities && _shape.ClassLabels is not null ? _shape.ClassLabels.Length : -1);

    /// <summary>The model's metadata_props (for example feature_names, description).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _graph.Metadata;

    /// <summary>True when rows are scored directly by a compiled tree ensemble or linear model, without tensors.</summary>
    public bool UsesCompiledScorer => _shape.Scorer is not null;

    /// <summary>Loads a model from an .onnx file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelLoadException">The file is not valid ONNX, or uses something NgsiFlow cannot run.</exception>
    public static OnnxModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        return Load(File.ReadAllBytes(path), Path.GetFileName(path));
    }

    /// <summary>Loads a model from the bytes of an .onnx file.</summary>
    /// <param name="bytes">The serialized ModelProto.</param>
    /// <param name="name">A name used in error messages.</param>
    /// <exception cref="ModelLoadException">The bytes are not valid ONNX, or use something NgsiFlow cannot run.</exception>
    public static OnnxModel Load(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(name);
        var graph = Graph.Load(bytes, name);
        return new OnnxModel(graph, ModelShape.Build(graph, name), name);
    }

    /// <summary>Loads a model from a stream holding an .onnx file.</summary>
    public static OnnxModel Load(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Load(buffer.ToArray(), name);
    }

    /// <summary>The position of a feature in <see cref="FeatureNames"/>, or -1.</summary>
    public int FeatureIndex(string featureName) => _featureIndex.TryGetValue(featureName, out var i) ? i : -1;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {FeatureNames.Count} features -> {string.Join(", ", Outputs.Select(o => o.Name))}";
}
