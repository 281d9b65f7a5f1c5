namespace NgsiFlow.Connector;

/// <summary>A write-back failed for good (after the client's retries); it was dead-lettered.</summary>
public sealed class WriteBackException : Exception
{
    /// <summary>Creates the exception for a dead-lettered write.</summary>
    /// <param name="failure">What was dead-lettered.</param>
    /// <param name="innerException">The client's error.</param>
    public WriteBackException(WriteBackFailure failure, Exception? innerException)
        : base($"Write-back {failure?.Method} {failure?.Path} failed with {failure?.StatusCode} {failure?.Error}: {failure?.Description}", innerException)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Failure = failure;
    }

    /// <summary>Creates the exception.</summary>
    public WriteBackException()
        : this("A write-back failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public WriteBackException(string message)
        : base(message)
    {
        Failure = new WriteBackFailure(DateTimeOffset.UtcNow, string.Empty, string.Empty, string.Empty, string.Empty, "/", null, string.Empty, 0, null, message);
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public WriteBackException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = new WriteBackFailure(DateTimeOffset.UtcNow, string.Empty, string.Empty, string.Empty, string.Empty, "/", null, string.Empty, 0, null, message);
    }

    /// <summary>The dead-lettered write.</summary>
    public WriteBackFailure Failure { get; }
}
