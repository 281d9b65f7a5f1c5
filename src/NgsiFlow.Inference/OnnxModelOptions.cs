using Microsoft.Extensions.Logging;

namespace NgsiFlow.Inference;

/// <summary>Which evaluator scores a model.</summary>
public enum OnnxModelEngine
{
    /// <summary>
    /// The managed evaluator when it implements every node of the model (it is faster on the models it covers and
    /// needs no native library), otherwise ONNX Runtime.
    /// </summary>
    Auto,

    /// <summary>NgsiFlow's managed evaluator only: a model that uses something it does not implement fails to load.</summary>
    Managed,

    /// <summary>ONNX Runtime (Microsoft.ML.OnnxRuntime, CPU), for any model it can run.</summary>
    OnnxRuntime,
}

/// <summary>How <see cref="OnnxModel.Load(string, OnnxModelOptions)"/> loads a model.</summary>
public sealed class OnnxModelOptions
{
    /// <summary>The default options: <see cref="OnnxModelEngine.Auto"/>, no logging.</summary>
    public static OnnxModelOptions Default { get; } = new();

    /// <summary>Which evaluator scores the model; <see cref="OnnxModelEngine.Auto"/> by default.</summary>
    public OnnxModelEngine Engine { get; init; } = OnnxModelEngine.Auto;

    /// <summary>Where to log which evaluator was chosen and why; null logs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Throws naming the first bad value.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Engine"/> is not one of the defined values.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Engine))
        {
            throw new ArgumentOutOfRangeException(nameof(Engine), Engine, $"OnnxModelOptions.Engine must be Auto, Managed or OnnxRuntime, not {(int)Engine}.");
        }
    }

    /// <summary>Parses an engine name as given on a command line: auto, managed or onnxruntime (any case).</summary>
    /// <exception cref="ArgumentException">The name is none of them.</exception>
    public static OnnxModelEngine ParseEngine(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "AUTO" => OnnxModelEngine.Auto,
            "MANAGED" => OnnxModelEngine.Managed,
            "ONNXRUNTIME" or "ONNX-RUNTIME" or "ORT" => OnnxModelEngine.OnnxRuntime,
            _ => throw new ArgumentException($"Unknown engine '{name}': use auto, managed or onnxruntime.", nameof(name)),
        };
    }
}
