using NgsiFlow.Testing;
using Npgsql;
using NgsiFlow.Sinks.PostgreSql;
using NgsiFlow.Sinks.Tests.Infrastructure;

namespace NgsiFlow.Sinks.Tests.PostgreSql;

/// <summary>PostgreSQL specifics against the real server: the table, every column, jsonb values, schema conflicts.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlHistorySinkTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset Observed = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset Received = new(2026, 3, 4, 4, 6, 8, TimeSpan.Zero);
    private readonly string _table = "h" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task WriteAsync_rows_storesEveryColumnAndQueryableJsonb()
    {
        var rows = new[]
        {
            new EntityAttributeRow("smart", "/plant/a", "urn:ngsi-ld:Machine:1", "Machine", "temperature", "Number", "71.5", Observed, Received),
            new EntityAttributeRow("smart", "/plant/a", "urn:ngsi-ld:Machine:1", "Machine", "location", "geo:json", "{\"type\":\"Point\",\"coordinates\":[2.1,41.4]}", Observed, Received),
            new EntityAttributeRow(string.Empty, "/", "Room1", "Room", "note", "Text", null, Observed, Received),
        };
        await using (var sink = CreateSink())
        {
            await sink.WriteAsync(rows, CancellationToken.None);
        }

        var stored = await QueryAsync($"SELECT tenant, service_path, entity_id, entity_type, attribute, attribute_type, value::text, observed_at, received_at, value->'coordinates'->>0 FROM {_table} ORDER BY id");
        stored.Count.ShouldBe(3);
        stored[0][..7].ShouldBe(["smart", "/plant/a", "urn:ngsi-ld:Machine:1", "Machine", "temperature", "Number", "71.5"]);
        ((DateTime)stored[0][7]!).ShouldBe(Observed.UtcDateTime);
        ((DateTime)stored[0][8]!).ShouldBe(Received.UtcDateTime);
        stored[1][9].ShouldBe("2.1");
        stored[2][0].ShouldBe(string.Empty);
        stored[2][6].ShouldBeNull();
        var types = await QueryAsync($"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{_table}' AND column_name IN ('value', 'observed_at')");
        types.Select(t => $"{t[0]}:{t[1]}").ShouldBe(["observed_at:timestamp with time zone", "value:jsonb"], ignoreOrder: true);
    }

    [Fact]
    public async Task WriteAsync_textValueType_storesValuesVerbatim()
    {
        await using (var sink = CreateSink(o => o.ValueType = PostgreSqlValueType.Text))
        {
            await sink.WriteAsync(new[] { Row("not json, just text") }, CancellationToken.None);
        }

        (await QueryAsync($"SELECT value, pg_typeof(value)::text FROM {_table}")).Single().ShouldBe(["not json, just text", "text"]);
    }

    [Fact]
    public async Task WriteAsync_invalidJsonInJsonbColumn_failsForGoodNamingTheLineAndWritesNothing()
    {
        await using var sink = CreateSink();

        var error = await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(new[] { Row("1"), Row("{broken") }, CancellationToken.None).AsTask());

        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("22P02");
        error.Message.ShouldContain("json");
        error.Message.ShouldContain("line 2");
        error.Target.ShouldContain(_table);
        (await QueryAsync($"SELECT count(*) FROM {_table}")).Single()[0].ShouldBe(0L);
    }

    [Fact]
    public async Task WriteAsync_existingTableWithIncompatibleValueColumn_failsNamingColumnAndType()
    {
        await QueryAsync($"CREATE TABLE {_table} (tenant text, service_path text, entity_id text, entity_type text, attribute text, attribute_type text, value integer, observed_at timestamptz, received_at timestamptz)");
        await using var sink = CreateSink();

        var error = await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(new[] { Row("1") }, CancellationToken.None).AsTask());

        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("the column value has type integer");
    }

    [Fact]
    public async Task WriteAsync_missingTableWithoutCreateTable_failsSayingSo()
    {
        await using var sink = CreateSink(o => o.CreateTable = false);

        var error = await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(new[] { Row("1") }, CancellationToken.None).AsTask());

        error.Message.ShouldContain("does not exist and CreateTable is false");
    }

    [Fact]
    public async Task WriteAsync_unknownRole_failsForGoodWithTheServersReason()
    {
        // The throwaway server trusts local users, so credentials fail through an unknown role rather than a password.
        var missing = new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString) { Username = "nobody_" + _table };
        await using var unknownRole = new PostgreSqlHistorySink<EntityAttributeRow>(new PostgreSqlHistorySinkOptions { ConnectionString = missing.ConnectionString, Table = _table, Name = "role" }, r => r);
        var error = await Should.ThrowAsync<SinkWriteException>(() => unknownRole.WriteAsync(new[] { Row("1") }, CancellationToken.None).AsTask());

        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("28000");
        error.Message.ShouldContain("nobody_");
    }

    [Fact]
    public void Constructor_invalidOptions_listsEveryProblem()
    {
        var options = new PostgreSqlHistorySinkOptions { ConnectionString = string.Empty, Table = "bad;name", Schema = "1x" };

        var error = Should.Throw<ArgumentException>(() => new PostgreSqlHistorySink<EntityAttributeRow>(options, r => r));

        error.Message.ShouldContain("ConnectionString is required");
        error.Message.ShouldContain("Table must be a plain identifier");
        error.Message.ShouldContain("Schema must be a plain identifier");
    }

    private static EntityAttributeRow Row(string? value) => new("t", "/", "E1", "Thing", "a", "Number", value, Observed, Received);

    private PostgreSqlHistorySink<EntityAttributeRow> CreateSink(Action<PostgreSqlHistorySinkOptions>? configure = null)
    {
        var options = new PostgreSqlHistorySinkOptions { ConnectionString = fixture.Server.ConnectionString, Table = _table, Retry = new SinkRetryOptions { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(20) } };
        configure?.Invoke(options);
        return new PostgreSqlHistorySink<EntityAttributeRow>(options, r => r);
    }

    private async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
