using NgsiFlow.Cli.Tests.Infrastructure;
using NgsiFlow.Engine.Records;
using NgsiFlow.Sinks.Parquet;
using Record = NgsiFlow.Engine.Records.Record;

namespace NgsiFlow.Cli.Tests;

/// <summary><c>ngsiflow sql</c> over files written by the Parquet sink: table, CSV and JSON output, and its errors.</summary>
public sealed class SqlCommandTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ngsiflow-sqlcli-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        await using var sink = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = _data, PartitionBy = ["output"] });
        await sink.WriteAsync(new[]
        {
            new Record { ["output"] = "sensors", ["host"] = "a", ["t"] = 20.5 },
            new Record { ["output"] = "sensors", ["host"] = "a", ["t"] = 21.5 },
            new Record { ["output"] = "alerts", ["host"] = "b, \"quoted\"", ["t"] = 90.0 },
        }, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_data, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sql_csv_isRfc4180WithAHeader()
    {
        var result = await CliRunner.RunAsync("sql", "--data", _data, "--format", "csv", "SELECT host, count(*) AS n, avg(t) AS mean FROM records GROUP BY host ORDER BY host");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Output.ShouldBe("host,n,mean\r\na,2,21\r\n\"b, \"\"quoted\"\"\",1,90\r\n");
    }

    [Fact]
    public async Task Sql_json_isOneObjectPerRowWithTypedValues()
    {
        var result = await CliRunner.RunAsync("sql", "--data", _data, "--format", "json", "SELECT host, t, output FROM alerts");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Output.Trim().ShouldBe("""{"host":"b, \"quoted\"","t":90,"output":"alerts"}""");
    }

    [Fact]
    public async Task Sql_table_showsColumnsRowsAndTheCount_andTablesListsTheViews()
    {
        var table = await CliRunner.RunAsync("sql", "--data", _data, "SELECT host, t FROM sensors ORDER BY t");
        var tables = await CliRunner.RunAsync("sql", "--data", _data, "--tables");

        table.ExitCode.ShouldBe(0, table.ToString());
        table.Output.ShouldContain("host");
        table.Output.ShouldContain("21.5");
        table.Output.ShouldContain("2 row(s)");
        tables.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).ShouldBe(["records", "alerts", "sensors"]);
    }

    [Theory]
    [InlineData("SELEC 1", "ngsiflow sql: Parser Error")]
    [InlineData("SELECT * FROM nope", "the tables are: records, alerts, sensors")]
    public async Task Sql_badQuery_exits2WithDuckDbsExplanation(string query, string message)
    {
        var result = await CliRunner.RunAsync("sql", "--data", _data, query);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain(message);
    }

    [Fact]
    public async Task Sql_badOptions_exit2ListingEach()
    {
        var result = await CliRunner.RunAsync("sql", "--format", "xml", "--max-rows", "-1");

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("--format must be table, csv or json (was 'xml').");
        result.Error.ShouldContain("--max-rows must not be negative (was -1).");
        result.Error.ShouldContain("give --data DIR");
        result.Error.ShouldContain("give a query");
    }

    [Fact]
    public async Task Sql_moreRowsThanTheLimit_saysSoOnStandardError()
    {
        var result = await CliRunner.RunAsync("sql", "--data", _data, "--max-rows", "1", "--format", "csv", "SELECT * FROM records");

        result.ExitCode.ShouldBe(0);
        result.Output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);
        result.Error.ShouldContain("only the first 1 rows are shown");
    }
}
