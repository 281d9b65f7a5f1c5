using NgsiFlow.Cli.Pipelines.History;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;
using NgsiFlow.Sinks.PostgreSql;
using NgsiFlow.Testing;
using Npgsql;

namespace NgsiFlow.IntegrationTests.Pipelines;

/// <summary>NGSI entity updates flow through a job into the PostgreSQL history table and read back row for row.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EntityHistoryPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Job_entityUpdates_areReadBackAsOneRowPerAttribute()
    {
        var table = "history_" + Guid.NewGuid().ToString("N")[..8];
        await using var sink = new PostgreSqlHistorySink<NgsiEvent>(
            new PostgreSqlHistorySinkOptions { ConnectionString = postgres.Server.ConnectionString, Table = table },
            EntityHistoryRows.Map);
        var job = new StreamJob("history");
        var input = job.Input<NgsiEvent>();
        input.To(sink);
        job.Start();

        var t0 = new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);
        var fiware = new FiwareContext("factory", "/hall2", null);
        for (var i = 0; i < 50; i++)
        {
            var entity = new NgsiV2Entity($"Machine:{i % 5}", "Machine", new NgsiV2AttributeCollection(
            [
                new NgsiV2Attribute("temperature", NgsiValue.FromNumber(40 + i), "Number"),
                new NgsiV2Attribute("regime", NgsiValue.FromString(i % 2 == 0 ? "idle" : "working"), "Text"),
            ]));
            await input.WriteAsync(new NgsiEvent("history", entity, fiware, NotificationFormat.V2Normalized, "s1", t0.AddSeconds(i), t0.AddSeconds(i).AddMilliseconds(5)), CancellationToken.None);
        }

        await job.StopAsync(CancellationToken.None);

        await using var connection = new NpgsqlConnection(postgres.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT tenant, service_path, entity_id, entity_type, attribute, attribute_type, value::text, observed_at FROM public.{table} ORDER BY observed_at, attribute", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7).ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        }

        rows.Count.ShouldBe(100);
        rows[0].ShouldBe("factory|/hall2|Machine:0|Machine|regime|Text|\"idle\"|" + t0.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        rows[1].ShouldBe("factory|/hall2|Machine:0|Machine|temperature|Number|40|" + t0.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        rows[99].ShouldBe("factory|/hall2|Machine:4|Machine|temperature|Number|89|" + t0.AddSeconds(49).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }
}
