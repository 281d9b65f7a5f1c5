using System.Globalization;
using NgsiFlow.Testing;
using Npgsql;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.PostgreSql;
using NgsiFlow.Sinks.Tests.Compliance;
using NgsiFlow.Sinks.Tests.Infrastructure;

namespace NgsiFlow.Sinks.Tests.PostgreSql;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlHistorySinkComplianceTests(PostgresFixture fixture) : SinkComplianceTests
{
    protected override int ServerPort => fixture.Server.Port;

    protected override string ExpectedSinkType => "PostgreSQL";

    protected override string MisconfiguredTarget => "no_such_database";

    protected override string MisconfiguredCause => "\"no_such_database\" does not exist";

    internal static EntityAttributeRow ToRow(SinkEvent e) =>
        new("tenant", "/", e.Key, "Test", "value", "Number",
            string.Create(CultureInfo.InvariantCulture, $"{{\"seq\":{e.Sequence},\"value\":{e.Value:R}}}"), e.Time, DateTimeOffset.UtcNow);

    protected override IStreamSink<SinkEvent> CreateSink(SinkTestSettings settings, int proxyPort)
    {
        var connection = new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString) { Port = proxyPort, Pooling = true, Timeout = 20 };
        return new PostgreSqlHistorySink<SinkEvent>(settings.Apply(new PostgreSqlHistorySinkOptions { ConnectionString = connection.ConnectionString, Table = Scope }), ToRow);
    }

    protected override IStreamSink<SinkEvent> CreateMisconfiguredSink(SinkTestSettings settings) =>
        new PostgreSqlHistorySink<SinkEvent>(
            settings.Apply(new PostgreSqlHistorySinkOptions { ConnectionString = fixture.Server.ConnectionStringFor("no_such_database"), Table = Scope }), ToRow);

    protected override async Task<IReadOnlyList<SinkEvent>> ReadBackAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('public.{Scope}') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync())!)
        {
            return [];
        }

        await using var command = new NpgsqlCommand($"SELECT entity_id, (value->>'seq')::int, (value->>'value')::float8 FROM {Scope} ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<SinkEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(new SinkEvent(reader.GetInt32(1), reader.GetString(0), reader.GetDouble(2)));
        }

        return events;
    }
}
