namespace NgsiFlow.RabbitMq;

/// <summary>RabbitMQ could not be reached or refused the connection; the message names the URI (without password) and the cause.</summary>
public sealed class RabbitMqUnreachableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RabbitMqUnreachableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public RabbitMqUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The client's error.</param>
    public RabbitMqUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
