namespace NgsiFlow.Sinks.PostgreSql;

/// <summary>The type of the history table's <c>value</c> column.</summary>
public enum PostgreSqlValueType
{
    /// <summary><c>jsonb</c>: values are JSON text, queryable with PostgreSQL's JSON operators.</summary>
    Jsonb,

    /// <summary><c>text</c>: values are stored as given.</summary>
    Text,
}
