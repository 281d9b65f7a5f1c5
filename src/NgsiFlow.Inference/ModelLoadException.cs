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
}
