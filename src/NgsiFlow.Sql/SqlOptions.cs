namespace NgsiFlow.Sql;

/// <summary>What an <see cref="SqlSession"/> queries: the Parquet sink's directory, the PostgreSQL history table, or both.</summary>
public sealed class SqlOptions
{
    /// <summary>
    /// The Parquet sink's directory: its files are the view <c>records</c>, and each top-level partition
    /// (<c>route=sensors/</c>) a view named after its value (<c>sensors</c>). Null for none.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>An Npgsql connection string: the history sink's table is imported as the table <c>history</c>. Null for none.</summary>
    public string? PostgreSqlConnectionString { get; set; }

    /// <summary>The history table's schema. Default <c>public</c>.</summary>
    public string PostgreSqlSchema { get; set; } = "public";

    /// <summary>The history table (as <c>PostgreSqlHistorySinkOptions.Table</c>). Default <c>entity_history</c>.</summary>
    public string PostgreSqlTable { get; set; } = "entity_history";
}
