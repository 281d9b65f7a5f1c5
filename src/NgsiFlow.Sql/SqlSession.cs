using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using NgsiFlow.Sql.Internal;

namespace NgsiFlow.Sql;

/// <summary>
/// An in-memory DuckDB over what NgsiFlow stored: the Parquet files of a directory as views (<c>records</c>, and one
/// per top-level partition), and the PostgreSQL history table imported as <c>history</c>. Queries are DuckDB SQL.
/// </summary>
/// <example><code>
/// await using var sql = await SqlSession.OpenAsync(new SqlOptions { DataDirectory = "data" }, ct);
/// var result = await sql.QueryAsync("SELECT host, count(*) FROM records GROUP BY host", 100, ct);
/// </code></example>
public sealed class SqlSession : IAsyncDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly List<SqlTable> _tables = [];

    private SqlSession(DuckDBConnection connection) => _connection = connection;

    /// <summary>The tables and views a query can name.</summary>
    public IReadOnlyList<SqlTable> Tables => _tables;

    /// <summary>Opens a session on <paramref name="options"/>' sources.</summary>
    /// <param name="options">The sources.</param>
    /// <param name="cancellationToken">Cancels the import.</param>
    /// <returns>The session.</returns>
    /// <exception cref="SqlQueryException">The directory does not exist, a Parquet file cannot be read, or PostgreSQL cannot be reached.</exception>
    public static async Task<SqlSession> OpenAsync(SqlOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var session = new SqlSession(connection);
        try
        {
            if (options.DataDirectory is { } directory)
            {
                await session.AddParquetAsync(directory, cancellationToken).ConfigureAwait(false);
            }

            if (options.PostgreSqlConnectionString is { } postgres)
            {
                await HistoryImport.RunAsync(connection, postgres, options.PostgreSqlSchema, options.PostgreSqlTable, cancellationToken).ConfigureAwait(false);
                session._tables.Add(new SqlTable("history", $"PostgreSQL table {options.PostgreSqlSchema}.{options.PostgreSqlTable}"));
            }
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return session;
    }

    /// <summary>Runs <paramref name="sql"/> and returns at most <paramref name="maxRows"/> rows.</summary>
    /// <param name="sql">One DuckDB SQL statement.</param>
    /// <param name="maxRows">The most rows returned (the result says when there were more).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The columns and rows.</returns>
    /// <exception cref="SqlQueryException">The SQL is invalid, names what does not exist, or a file cannot be read.</exception>
    public async Task<SqlResult> QueryAsync(string sql, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new SqlColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToArray();
            var rows = new List<object?[]>();
            var truncated = false;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (rows.Count == maxRows)
                {
                    truncated = true;
                    break;
                }

                var row = new object?[columns.Length];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : Plain(reader.GetValue(i));
                }

                rows.Add(row);
            }

            return new SqlResult(columns, rows, truncated);
        }
        catch (DuckDBException e)
        {
            var message = e.Message.Trim();
            if (message.StartsWith("Catalog Error", StringComparison.Ordinal))
            {
                message += _tables.Count == 0
                    ? " (nothing to query: give a data directory with Parquet files or a PostgreSQL connection)"
                    : $" (the tables are: {string.Join(", ", _tables.Select(t => t.Name))})";
            }

            throw new SqlQueryException(message, e);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);

    private async Task AddParquetAsync(string directory, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new SqlQueryException($"the data directory {full} does not exist");
        }

        if (!Directory.EnumerateFiles(full, "*.parquet", SearchOption.AllDirectories).Any())
        {
            // Nothing stored yet: no views, and a query says so.
            return;
        }

        await CreateViewAsync("records", Path.Combine(full, "**", "*.parquet"), cancellationToken).ConfigureAwait(false);
        foreach (var partition in Directory.EnumerateDirectories(full).Select(Path.GetFileName).OfType<string>().Where(d => d.Contains('=', StringComparison.Ordinal) && !d.StartsWith('.')).Order(StringComparer.Ordinal))
        {
            var name = Identifier(Uri.UnescapeDataString(partition[(partition.IndexOf('=', StringComparison.Ordinal) + 1)..]));
            if (name != "records" && _tables.All(t => t.Name != name) && Directory.EnumerateFiles(Path.Combine(full, partition), "*.parquet", SearchOption.AllDirectories).Any())
            {
                await CreateViewAsync(name, Path.Combine(full, partition, "**", "*.parquet"), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CreateViewAsync(string name, string pattern, CancellationToken cancellationToken)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{pattern.Replace("'", "''", StringComparison.Ordinal)}', hive_partitioning = true, union_by_name = true)");
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new SqlQueryException($"the Parquet files {pattern} cannot be read: {e.Message.Trim()}", e);
        }

        _tables.Add(new SqlTable(name, pattern));
    }

    /// <summary>DuckDB's HUGEINT (sums of BIGINT) as a long when it fits, so that callers get .NET's usual numbers.</summary>
    private static object Plain(object value) => value is System.Numerics.BigInteger big
        ? (big >= long.MinValue && big <= long.MaxValue ? (long)big : (double)big)
        : value;

    /// <summary>A partition value as an SQL name: letters, digits and underscores, not starting with a digit.</summary>
    private static string Identifier(string value)
    {
        var chars = value.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var text = new string(chars);
        return text.Length == 0 || char.IsAsciiDigit(text[0]) ? "p_" + text : text;
    }
}
