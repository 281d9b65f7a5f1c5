namespace NgsiFlow.Inference;

/// <summary>
/// Thrown when a model cannot be loaded: the file is not valid ONNX, or it uses an operator, opset,
/// attribute or data type NgsiFlow cannot run. The message names the node and operator concerned.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception with a message naming what is wrong.</summary>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public ModelLoadException()
        : base("The model could not be loaded.")
    {
    }

    /// <summary>The operator concerned as "domain.OpType" (for example "ai.onnx.Conv"), when the problem is one node's.</summary>
    public string? Operator { get; init; }

    /// <summary>The node concerned: its name, or "#index" for an unnamed node; null when the problem is not one node's.</summary>
    public string? Node { get; init; }

    /// <summary>
    /// True when the model is well formed but uses something the managed evaluator does not implement (an operator,
    /// opset, element type or input kind): with <see cref="OnnxModelEngine.Auto"/> such a model goes to ONNX Runtime.
    /// </summary>
    internal bool Unsupported { get; init; }

    /// <summary>The same failure with <paramref name="prefix"/> before its message, keeping the node, operator and kind.</summary>
    internal ModelLoadException Prefixed(string prefix) =>
        new($"{prefix}{Message}", this) { Operator = Operator, Node = Node, Unsupported = Unsupported };
}
