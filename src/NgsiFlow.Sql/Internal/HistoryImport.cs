using System.Globalization;
using DuckDB.NET.Data;
using Npgsql;

namespace NgsiFlow.Sql.Internal;

/// <summary>
/// Copies the PostgreSQL history table into the session's DuckDB as <c>history</c>, with its column types (DuckDB's
/// postgres extension is downloaded at run time, which a plant's network may not allow).
/// </summary>
internal static class HistoryImport
{
    public static async Task RunAsync(DuckDBConnection duck, string connectionString, string schema, string table, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new SqlQueryException($"the PostgreSQL connection string is not valid: {e.Message}", e);
        }

        var where = $"PostgreSQL at {builder.Host}:{builder.Port} (database '{builder.Database}')";
        try
        {
            await using var postgres = new NpgsqlConnection(connectionString);
            await postgres.OpenAsync(cancellationToken).ConfigureAwait(false);
            var columns = new List<(string Name, string Type)>();
            await using (var query = new NpgsqlCommand("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position", postgres))
            {
                query.Parameters.Add(new NpgsqlParameter { Value = schema });
                query.Parameters.Add(new NpgsqlParameter { Value = table });
                await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            if (columns.Count == 0)
            {
                throw new SqlQueryException($"{where} has no table {schema}.{table}; is it the history sink's table (PostgreSqlHistorySinkOptions.Table)?");
            }

            var kinds = columns.Select(c => Kind(c.Type)).ToArray();
            using (var create = duck.CreateCommand())
            {
                create.CommandText = "CREATE TABLE history (" + string.Join(", ", columns.Select((c, i) => $"\"{c.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" {DuckType(kinds[i])}")) + ")";
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var select = "SELECT " + string.Join(", ", columns.Select((c, i) => Quote(c.Name) + (kinds[i] == Column.Text ? "::text" : string.Empty))) + $" FROM {Quote(schema)}.{Quote(table)}";
            await using var rows = new NpgsqlCommand(select, postgres);
            await using var source = await rows.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            using var appender = duck.CreateAppender("history");
            while (await source.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = appender.CreateRow();
                for (var i = 0; i < kinds.Length; i++)
                {
                    if (source.IsDBNull(i))
                    {
                        row.AppendNullValue();
                        continue;
                    }

                    _ = kinds[i] switch
                    {
                        Column.Integer => row.AppendValue(Convert.ToInt64(source.GetValue(i), CultureInfo.InvariantCulture)),
                        Column.Number => row.AppendValue(Convert.ToDouble(source.GetValue(i), CultureInfo.InvariantCulture)),
                        Column.Boolean => row.AppendValue(source.GetBoolean(i)),
                        Column.Time => row.AppendValue(DateTime.SpecifyKind(source.GetDateTime(i), DateTimeKind.Utc)),
                        _ => row.AppendValue(source.GetString(i)),
                    };
                }

                row.EndRow();
            }
        }
        catch (NpgsqlException e)
        {
            throw new SqlQueryException($"{where} cannot be read: {e.Message}", e);
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static Column Kind(string postgresType) => postgresType switch
    {
        "bigint" or "integer" or "smallint" => Column.Integer,
        "double precision" or "real" or "numeric" => Column.Number,
        "boolean" => Column.Boolean,
        "timestamp with time zone" or "timestamp without time zone" => Column.Time,
        _ => Column.Text,
    };

    private static string DuckType(Column kind) => kind switch
    {
        Column.Integer => "BIGINT",
        Column.Number => "DOUBLE",
        Column.Boolean => "BOOLEAN",
        Column.Time => "TIMESTAMPTZ",
        _ => "VARCHAR",
    };

    private enum Column
    {
        Integer,
        Number,
        Boolean,
        Time,
        Text,
    }
}
