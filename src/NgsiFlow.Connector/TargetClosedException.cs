namespace NgsiFlow.Connector;

/// <summary>Raised by an <see cref="INotificationTarget"/> that no longer accepts events (its job is stopping).</summary>
public sealed class TargetClosedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TargetClosedException()
        : base("The notification target no longer accepts events.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is closed.</param>
    public TargetClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is closed.</param>
    /// <param name="innerException">The cause.</param>
    public TargetClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
