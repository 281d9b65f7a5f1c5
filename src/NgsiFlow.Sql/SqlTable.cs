namespace NgsiFlow.Sql;

/// <summary>A table or view a query can name.</summary>
/// <param name="Name">Its name in SQL.</param>
/// <param name="Source">Where its rows come from (a file pattern or a PostgreSQL table).</param>
public sealed record SqlTable(string Name, string Source);
