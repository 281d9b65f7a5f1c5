namespace NgsiFlow.Sinks.PostgreSql.Internal;

/// <summary>The history table exists but does not have the columns the sink writes.</summary>
internal sealed class PostgreSqlSchemaException : Exception
{
    public PostgreSqlSchemaException()
    {
    }

    public PostgreSqlSchemaException(string message)
        : base(message)
    {
    }

    public PostgreSqlSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
