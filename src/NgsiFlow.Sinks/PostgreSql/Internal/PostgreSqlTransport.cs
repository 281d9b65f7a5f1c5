using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;
using NgsiFlow.Sinks.Internal;

namespace NgsiFlow.Sinks.PostgreSql.Internal;

/// <summary>Writes each batch with one binary <c>COPY ... FROM STDIN</c>, which is all-or-nothing.</summary>
internal sealed class PostgreSqlTransport : SinkTransport<EntityAttributeRow>
{
    private static readonly string[] Columns =
        ["tenant", "service_path", "entity_id", "entity_type", "attribute", "attribute_type", "value", "observed_at", "received_at"];

    private readonly PostgreSqlHistorySinkOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _qualifiedTable;
    private readonly Action<string> _created;
    private string? _copyCommand;
    private NpgsqlDbType _valueType;

    public PostgreSqlTransport(PostgreSqlHistorySinkOptions options, Action<string> created)
    {
        _options = options;
        _created = created;
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        _qualifiedTable = $"\"{options.Schema}\".\"{options.Table}\"";
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        Target = $"table {options.Schema}.{options.Table} in database '{builder.Database}' at {builder.Host}:{builder.Port}";
    }

    public override string SinkType => "PostgreSQL";

    public override string MetricType => "postgresql";

    public override string Target { get; }

    public override async ValueTask WriteAsync(OutgoingBatch<EntityAttributeRow> batch, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            _copyCommand ??= await PrepareTableAsync(connection, cancellationToken).ConfigureAwait(false);
            var importer = await connection.BeginBinaryImportAsync(_copyCommand, cancellationToken).ConfigureAwait(false);
            await using (importer.ConfigureAwait(false))
            {
                foreach (var row in batch.Records)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Tenant, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.ServicePath, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.EntityId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.EntityType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Attribute, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.AttributeType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    if (row.Value is null)
                    {
                        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await importer.WriteAsync(row.Value, _valueType, cancellationToken).ConfigureAwait(false);
                    }

                    await importer.WriteAsync(row.ObservedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.ReceivedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                }

                // The server has the rows once COMPLETE returns; disposing without it would roll the COPY back.
                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override bool IsTransient(Exception exception) => exception switch
    {
        PostgreSqlSchemaException => false,
        PostgresException postgres => postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    public override string Describe(Exception exception) => exception switch
    {
        PostgresException postgres => $"{postgres.SqlState} {postgres.MessageText}"
            + (postgres.Detail is { Length: > 0 } detail ? $" ({detail})" : string.Empty)
            + (postgres.Where is { Length: > 0 } where ? $" [{where}]" : string.Empty),
        NpgsqlException { InnerException: { } inner } npgsql => $"{npgsql.Message} ({inner.Message})",
        _ => exception.Message,
    };

    public override async ValueTask DisposeAsync() => await _dataSource.DisposeAsync().ConfigureAwait(false);

    private async Task<string> PrepareTableAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_options.CreateTable)
        {
            var valueType = _options.ValueType == PostgreSqlValueType.Jsonb ? "jsonb" : "text";
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = $"""
                    CREATE TABLE IF NOT EXISTS {_qualifiedTable} (
                        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        tenant text NOT NULL,
                        service_path text NOT NULL,
                        entity_id text NOT NULL,
                        entity_type text NOT NULL,
                        attribute text NOT NULL,
                        attribute_type text NOT NULL,
                        value {valueType},
                        observed_at timestamptz NOT NULL,
                        received_at timestamptz NOT NULL);
                    CREATE INDEX IF NOT EXISTS "{_options.Table}_entity_time" ON {_qualifiedTable} (entity_id, attribute, observed_at);
                    """;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = connection.CreateCommand();
        await using (query.ConfigureAwait(false))
        {
            query.CommandText = "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2";
            query.Parameters.Add(new NpgsqlParameter { Value = _options.Schema });
            query.Parameters.Add(new NpgsqlParameter { Value = _options.Table });
            var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    types[reader.GetString(0)] = reader.GetString(1);
                }
            }
        }

        if (types.Count == 0)
        {
            throw new PostgreSqlSchemaException($"the table does not exist and CreateTable is false");
        }

        var missing = Columns.Where(c => !types.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new PostgreSqlSchemaException($"the table lacks the column(s) {string.Join(", ", missing)}");
        }

        _valueType = types["value"] switch
        {
            "jsonb" => NpgsqlDbType.Jsonb,
            "json" => NpgsqlDbType.Json,
            "text" or "character varying" => NpgsqlDbType.Text,
            var other => throw new PostgreSqlSchemaException($"the column value has type {other}; the sink writes jsonb, json or text"),
        };
        foreach (var column in new[] { "observed_at", "received_at" })
        {
            if (types[column] != "timestamp with time zone")
            {
                throw new PostgreSqlSchemaException($"the column {column} has type {types[column]}; the sink writes timestamp with time zone");
            }
        }

        _created($"table {_options.Schema}.{_options.Table} (value {types["value"]})");
        return $"COPY {_qualifiedTable} ({string.Join(", ", Columns)}) FROM STDIN (FORMAT BINARY)";
    }
}
