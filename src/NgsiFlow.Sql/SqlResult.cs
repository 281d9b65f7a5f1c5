namespace NgsiFlow.Sql;

/// <summary>A column of a query's result.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Type">Its DuckDB type as DuckDB.NET names it (BigInt, Double, Varchar, TimestampTz...).</param>
public sealed record SqlColumn(string Name, string Type);

/// <summary>A query's result: the columns, the rows (each value null, text, a number, a boolean or a time), and whether rows were left off.</summary>
/// <param name="Columns">The columns.</param>
/// <param name="Rows">The rows, each with one value per column.</param>
/// <param name="Truncated">Whether the query had more rows than the limit.</param>
public sealed record SqlResult(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated);
