namespace NgsiFlow.Sql;

/// <summary>A query or a source that cannot be read: the message is DuckDB's explanation (with the position) or names the file, directory or server.</summary>
public sealed class SqlQueryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SqlQueryException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    public SqlQueryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SqlQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
