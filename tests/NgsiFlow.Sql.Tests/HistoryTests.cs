using NgsiFlow.Sinks;
using NgsiFlow.Sinks.PostgreSql;
using NgsiFlow.Testing;

namespace NgsiFlow.Sql.Tests;

/// <summary>The PostgreSQL history sink's table, written by the sink into a real PostgreSQL, queried as <c>history</c>.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HistoryTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset Observed = new(2026, 12, 4, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Open_historyTable_isImportedWithItsTypes_andQueryable()
    {
        var table = "h" + Guid.NewGuid().ToString("N")[..12];
        var rows = Enumerable.Range(0, 30).Select(i => new EntityAttributeRow("plant", "/line1", "Machine:" + (i % 3), "Machine", "temperature", "Number", (60 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), Observed.AddMinutes(i), Observed.AddMinutes(i).AddSeconds(1))).ToArray();
        await using (var sink = new PostgreSqlHistorySink<EntityAttributeRow>(new PostgreSqlHistorySinkOptions { ConnectionString = fixture.Server.ConnectionString, Table = table }, r => r))
        {
            await sink.WriteAsync(rows, CancellationToken.None);
        }

        await using var sql = await SqlSession.OpenAsync(new SqlOptions { PostgreSqlConnectionString = fixture.Server.ConnectionString, PostgreSqlTable = table }, CancellationToken.None);
        var result = await sql.QueryAsync("SELECT entity_id, count(*), avg(CAST(value AS DOUBLE)), max(observed_at) FROM history GROUP BY entity_id ORDER BY entity_id", 10, CancellationToken.None);

        sql.Tables.ShouldHaveSingleItem().Name.ShouldBe("history");
        result.Rows.Select(r => r[0]).ShouldBe(["Machine:0", "Machine:1", "Machine:2"]);
        result.Rows.Select(r => (long)r[1]!).ShouldBe([10L, 10L, 10L]);
        ((double)result.Rows[0][2]!).ShouldBe(Enumerable.Range(0, 30).Where(i => i % 3 == 0).Average(i => 60.0 + i), 1e-9);
        var columns = await sql.QueryAsync("SELECT * FROM history LIMIT 1", 1, CancellationToken.None);
        columns.Columns.Select(c => (c.Name, c.Type)).ShouldContain(("observed_at", "TimestampTz"));
        columns.Columns.Select(c => (c.Name, c.Type)).ShouldContain(("id", "BigInt"));
    }

    [Fact]
    public async Task Open_unknownTableOrUnreachableServer_isAClearError()
    {
        (await Should.ThrowAsync<SqlQueryException>(() => SqlSession.OpenAsync(new SqlOptions { PostgreSqlConnectionString = fixture.Server.ConnectionString, PostgreSqlTable = "no_such_table" }, CancellationToken.None)))
            .Message.ShouldContain("has no table public.no_such_table");
        var port = FreePort.Next();
        (await Should.ThrowAsync<SqlQueryException>(() => SqlSession.OpenAsync(new SqlOptions { PostgreSqlConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3" }, CancellationToken.None)))
            .Message.ShouldContain($"PostgreSQL at 127.0.0.1:{port}");
    }
}
