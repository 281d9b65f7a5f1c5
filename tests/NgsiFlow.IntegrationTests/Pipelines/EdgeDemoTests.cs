using NgsiFlow.IntegrationTests.Demo;
using NgsiFlow.Sql;

namespace NgsiFlow.IntegrationTests.Pipelines;

/// <summary><c>ngsiflow demo edge</c> as a user runs it: its report's counts equal the records sent, and the files answer SQL.</summary>
public sealed class EdgeDemoTests
{
    [Fact]
    public async Task DemoEdge_summaryCountsEqualTheRecordsSent_andTheFilesAnswerSql()
    {
        var data = Path.Combine(Path.GetTempPath(), $"ngsiflow-edge-{Guid.NewGuid():N}");
        var summary = data + ".json";
        var (code, output, error) = await DemoProcess.RunAsync(
            TimeSpan.FromSeconds(180),
            "edge", "--devices", "6", "--readings", "300", "--rate", "0", "--no-dashboard", "--data", data, "--summary-json", summary);

        code.ShouldBe(0, output + error);
        var json = DemoProcess.ReadSummary(summary);
        json.GetProperty("records_sent").GetInt64().ShouldBe(1800);
        json.GetProperty("records_accepted").GetInt64().ShouldBe(1800);
        json.GetProperty("parquet_rows").GetInt64().ShouldBe(1800);
        json.GetProperty("lost").GetInt64().ShouldBe(0);
        json.GetProperty("parquet_dead_letter").GetInt64().ShouldBe(json.GetProperty("sensor_failures_sent").GetInt64());
        (json.GetProperty("parquet_sensors").GetInt64() + json.GetProperty("parquet_alerts").GetInt64() + json.GetProperty("parquet_dead_letter").GetInt64()).ShouldBe(1800);
        json.GetProperty("entities").GetInt64().ShouldBe(6);
        json.GetProperty("sql_devices").GetInt64().ShouldBe(6);
        output.ShouldContain("Readings per device");

        // The files are there for a user's own SQL, alerts as their own view.
        await using var sql = await SqlSession.OpenAsync(new SqlOptions { DataDirectory = data }, CancellationToken.None);
        sql.Tables.Select(t => t.Name).ShouldContain("sensors");
        var hot = await sql.QueryAsync("SELECT count(*), min(cputemp) FROM records WHERE output = 'sensors' AND cputemp >= 70", 1, CancellationToken.None);
        hot.Rows[0][0].ShouldBe(0L);
        var perHost = await sql.QueryAsync("SELECT host, count(*) FROM records GROUP BY host", 100, CancellationToken.None);
        perHost.Rows.Sum(r => (long)r[1]!).ShouldBe(1800);
        Directory.Delete(data, recursive: true);
        File.Delete(summary);
    }

    [Fact]
    public async Task DemoEdge_badOptions_listsEachError()
    {
        var (code, _, error) = await DemoProcess.RunAsync(TimeSpan.FromSeconds(60), "edge", "--devices", "0", "--readings", "0", "--rate", "-1");

        code.ShouldBe(2);
        error.ShouldContain("--devices must be between 1 and 10000 (was 0)");
        error.ShouldContain("--readings must be at least 1 (was 0)");
        error.ShouldContain("--rate must be 0");
    }
}
