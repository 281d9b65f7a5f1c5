using Microsoft.Extensions.Logging;
using NgsiFlow.Inference.Internal;
using NgsiFlow.Inference.Internal.Runtime;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference;

/// <summary>
/// An ONNX model loaded, validated and compiled for evaluation. Load once, then call
/// <see cref="Predict(ReadOnlySpan{double})"/> per row or <see cref="PredictBatch(ReadOnlySpan{double}, int)"/>
/// for many rows. Instances are immutable and safe to use from several threads at once.
/// </summary>
/// <remarks>
/// Two evaluators sit behind the same API (<see cref="Engine"/>): NgsiFlow's managed one, used whenever it implements
/// every node of the model, and ONNX Runtime for everything else (<see cref="OnnxModelOptions.Engine"/>). Under ONNX
/// Runtime the model holds a native session: <see cref="Dispose"/> releases it (the finalizer does otherwise).
/// </remarks>
/// <remarks>
/// Features are the model's inputs in a fixed order (<see cref="FeatureNames"/>): the columns of a single
/// [N, F] input, named by the model's "feature_names" metadata when present, or one feature per input
/// when the model has several [N, 1] inputs. The model knows nothing about NGSI: map an entity's
/// attributes to features by name with <see cref="Predict(Func{string, double?})"/>.
/// </remarks>
public sealed partial class OnnxModel : IDisposable
{
    private readonly IEvaluator _evaluator;
    private readonly ModelShape _shape;
    private readonly Dictionary<string, int> _featureIndex;

    private OnnxModel(IEvaluator evaluator, ModelShape shape, string name, OnnxModelEngine engine, string? fallbackReason)
    {
        _evaluator = evaluator;
        _shape = shape;
        Name = name;
        Engine = engine;
        FallbackReason = fallbackReason;
        _featureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < shape.FeatureNames.Length; i++)
        {
            _featureIndex.TryAdd(shape.FeatureNames[i], i);
        }
    }

    /// <summary>The model's name: the file name it was loaded from, or the name given to <see cref="Load(byte[], string)"/>.</summary>
    public string Name { get; }

    /// <summary>The evaluator that scores this model: <see cref="OnnxModelEngine.Managed"/> or <see cref="OnnxModelEngine.OnnxRuntime"/>.</summary>
    public OnnxModelEngine Engine { get; }

    /// <summary>Why <see cref="OnnxModelEngine.Auto"/> chose ONNX Runtime (what the managed evaluator lacks, naming the node); null otherwise.</summary>
    public string? FallbackReason { get; }

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
        ?? (_shape.ScoreOutput >= 0 && _evaluator.Outputs[_shape.ScoreOutput].Dims is { Length: > 1 } dims && dims[^1] > 0 ? dims[^1]
        : _shape.ScoresAreProbabilities && _shape.ClassLabels is not null ? _shape.ClassLabels.Length : -1);

    /// <summary>The model's metadata_props (for example feature_names, description).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _evaluator.Metadata;

    /// <summary>True when rows are scored directly by a compiled tree ensemble or linear model, without tensors.</summary>
    public bool UsesCompiledScorer => _shape.Scorer is not null;

    /// <summary>Loads a model from an .onnx file with the default options (<see cref="OnnxModelEngine.Auto"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelLoadException">The file is not valid ONNX, or uses something neither evaluator can run.</exception>
    public static OnnxModel Load(string path) => Load(path, OnnxModelOptions.Default);

    /// <summary>Loads a model from an .onnx file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Which evaluator to use, and where to log.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelLoadException">The file is not valid ONNX, or uses something the chosen evaluator(s) cannot run.</exception>
    public static OnnxModel Load(string path, OnnxModelOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        return Load(File.ReadAllBytes(path), Path.GetFileName(path), options);
    }

    /// <summary>Loads a model from the bytes of an .onnx file with the default options (<see cref="OnnxModelEngine.Auto"/>).</summary>
    /// <param name="bytes">The serialized ModelProto.</param>
    /// <param name="name">A name used in error messages.</param>
    /// <exception cref="ModelLoadException">The bytes are not valid ONNX, or use something neither evaluator can run.</exception>
    public static OnnxModel Load(byte[] bytes, string name) => Load(bytes, name, OnnxModelOptions.Default);

    /// <summary>Loads a model from the bytes of an .onnx file.</summary>
    /// <param name="bytes">The serialized ModelProto.</param>
    /// <param name="name">A name used in error messages.</param>
    /// <param name="options">Which evaluator to use, and where to log.</param>
    /// <exception cref="ModelLoadException">The bytes are not valid ONNX, or use something the chosen evaluator(s) cannot run.</exception>
    public static OnnxModel Load(byte[] bytes, string name, OnnxModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var model = Graph.Parse(bytes, name);
        if (options.Engine == OnnxModelEngine.OnnxRuntime)
        {
            return WithOnnxRuntime(bytes, model, name, null);
        }

        Graph graph;
        try
        {
            graph = Graph.Compile(model, name);
        }
        catch (ModelLoadException managed) when (managed.Unsupported && options.Engine == OnnxModelEngine.Auto)
        {
            // Well formed, but the managed evaluator lacks something the model uses: ONNX Runtime may have it.
            try
            {
                var fallback = WithOnnxRuntime(bytes, model, name, managed.Message);
                if (options.Logger is { } logger)
                {
                    Log.OnnxRuntimeChosen(logger, name, managed.Node ?? "-", managed.Operator ?? "-", managed.Message);
                }

                return fallback;
            }
            catch (ModelLoadException runtime)
            {
                throw new ModelLoadException(
                    $"{managed.Message} ONNX Runtime cannot run it either: {runtime.Message}", runtime) { Operator = managed.Operator, Node = managed.Node };
            }
        }

        var shape = ModelShape.Build(graph, graph.Nodes.Select(n => (n.Node, (Kernel?)n.Kernel)).ToList(), name);
        if (options.Logger is { } log)
        {
            Log.ManagedChosen(log, name, shape.Scorer is not null);
        }

        return new OnnxModel(graph, shape, name, OnnxModelEngine.Managed, null);
    }

    /// <summary>Loads a model from a stream holding an .onnx file with the default options (<see cref="OnnxModelEngine.Auto"/>).</summary>
    public static OnnxModel Load(Stream stream, string name) => Load(stream, name, OnnxModelOptions.Default);

    /// <summary>Loads a model from a stream holding an .onnx file.</summary>
    public static OnnxModel Load(Stream stream, string name, OnnxModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Load(buffer.ToArray(), name, options);
    }

    /// <summary>The version of the ONNX Runtime library behind <see cref="OnnxModelEngine.OnnxRuntime"/>, e.g. "1.32.0".</summary>
    public static string OnnxRuntimeVersion => OrtEvaluator.Version;

    /// <summary>Releases the ONNX Runtime session, if the model has one; the managed evaluator holds nothing to release.</summary>
    public void Dispose() => _evaluator.Dispose();

    private static OnnxModel WithOnnxRuntime(byte[] bytes, ModelProto model, string name, string? reason)
    {
        var evaluator = OrtEvaluator.Load(bytes, model, name);
        try
        {
            var shape = ModelShape.Build(evaluator, model.Graph.Node.Select(n => (n, (Kernel?)null)).ToList(), name);
            return new OnnxModel(evaluator, shape, name, OnnxModelEngine.OnnxRuntime, reason);
        }
        catch
        {
            evaluator.Dispose();
            throw;
        }
    }

    /// <summary>The position of a feature in <see cref="FeatureNames"/>, or -1.</summary>
    public int FeatureIndex(string featureName) => _featureIndex.TryGetValue(featureName, out var i) ? i : -1;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {FeatureNames.Count} features -> {string.Join(", ", Outputs.Select(o => o.Name))}";
}
