namespace NgsiFlow.Sinks;

/// <summary>A source could not deliver a record: bad data it was told to stop on, or its connection was lost.</summary>
public class SourceReadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SourceReadException()
        : this("The source could not read.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SourceReadException(string message)
        : base(message)
    {
        SourceName = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public SourceReadException(string message, Exception? innerException)
        : base(message, innerException)
    {
        SourceName = string.Empty;
    }

    /// <summary>Creates the exception for a named source.</summary>
    /// <param name="sourceName">The source's name.</param>
    /// <param name="message">What went wrong, naming where.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public SourceReadException(string sourceName, string message, Exception? innerException)
        : base(message, innerException)
    {
        SourceName = sourceName;
    }

    /// <summary>The source's name.</summary>
    public string SourceName { get; }
}
