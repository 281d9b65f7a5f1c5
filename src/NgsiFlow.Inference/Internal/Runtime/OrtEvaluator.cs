using Microsoft.ML.OnnxRuntime;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference.Internal.Runtime;

/// <summary>
/// A model evaluated by ONNX Runtime (CPU): one <see cref="InferenceSession"/> per model, created at load time and
/// reused for every call. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is safe to call from several threads at once, so the evaluator is too. The session runs each call on the calling
/// thread (one intra-op thread): parallel batches split rows across callers, as the managed evaluator does, so
/// "one thread" and "all cores" mean the same for both.
/// </summary>
internal sealed class OrtEvaluator : IEvaluator
{
    private static readonly Lock EnvLock = new();
    private static bool _envConfigured;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly string _source;

    private OrtEvaluator(InferenceSession session, ValueDeclaration[] inputs, ValueDeclaration[] outputs, IReadOnlyDictionary<string, string> metadata, string source)
    {
        _session = session;
        Inputs = inputs;
        Outputs = outputs;
        Metadata = metadata;
        _source = source;
        _inputNames = inputs.Select(i => i.Name).ToArray();
        _outputNames = outputs.Select(o => o.Name).ToArray();
    }

    public ValueDeclaration[] Inputs { get; }

    public ValueDeclaration[] Outputs { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The ONNX Runtime version in use, e.g. "1.32.0".</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>Creates the session; a model ONNX Runtime refuses gives a <see cref="ModelLoadException"/> with its reason.</summary>
    public static OrtEvaluator Load(byte[] bytes, ModelProto model, string source)
    {
        ConfigureEnvironment();
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).Select(Graph.Declare).ToArray();
        var outputs = graph.Output.Select(Graph.Declare).ToArray();
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"{source}: ONNX Runtime {Version} cannot load the model: {ex.Message.Trim()}", ex);
        }

        return new OrtEvaluator(session, inputs, outputs, metadata, source);
    }

    public OnnxValue[] Run(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != Inputs.Length)
        {
            throw new ModelInputException($"The model takes {Inputs.Length} input(s), got {inputs.Count}.");
        }

        var values = new OrtValue[inputs.Count];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = OrtValues.FromTensor(inputs[i], Inputs[i]);
            }

            using var results = _session.Run(_runOptions, _inputNames, values, _outputNames);
            var outputs = new OnnxValue[_outputNames.Length];
            var k = 0;
            foreach (var result in results)
            {
                outputs[k] = OrtValues.ToOnnxValue(result, _outputNames[k]);
                k++;
            }

            return outputs;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelInputException($"{_source}: ONNX Runtime could not score the rows: {ex.Message.Trim()}", ex);
        }
        finally
        {
            foreach (var v in values)
            {
                v?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>ONNX Runtime logs warnings and load errors to standard error by default; NgsiFlow reports them itself.</summary>
    private static void ConfigureEnvironment()
    {
        lock (EnvLock)
        {
            if (!_envConfigured)
            {
                OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
                _envConfigured = true;
            }
        }
    }
}
