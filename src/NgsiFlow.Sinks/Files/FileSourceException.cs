namespace NgsiFlow.Sinks.Files;

/// <summary>A row of a CSV or JSON-lines file could not be read; the message names the file, line and column.</summary>
public sealed class FileSourceException : SourceReadException
{
    /// <summary>Creates the exception.</summary>
    public FileSourceException()
        : this("A file row could not be read.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public FileSourceException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public FileSourceException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>Creates the exception for a place in a file.</summary>
    /// <param name="sourceName">The source's name.</param>
    /// <param name="filePath">The file.</param>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based character column.</param>
    /// <param name="reason">What is wrong there.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public FileSourceException(string sourceName, string filePath, long line, int column, string reason, Exception? innerException = null)
        : base(sourceName, $"{filePath}, line {line}, column {column}: {reason}", innerException)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line number.</summary>
    public long Line { get; }

    /// <summary>The 1-based character column on that line.</summary>
    public int Column { get; }

    /// <summary>What is wrong at that place.</summary>
    public string Reason { get; } = string.Empty;
}
