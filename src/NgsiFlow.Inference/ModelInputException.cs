namespace NgsiFlow.Inference;

/// <summary>
/// Thrown at prediction time when the inputs do not fit the model: a missing feature, a wrong number of
/// features, a wrong shape or element type. The message names the input or feature concerned.
/// </summary>
public sealed class ModelInputException : ArgumentException
{
    /// <summary>Creates the exception with a message naming the input.</summary>
    public ModelInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ModelInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public ModelInputException()
        : base("The inputs do not fit the model.")
    {
    }
}
