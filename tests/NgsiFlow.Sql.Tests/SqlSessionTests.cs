using DuckDB.NET.Data;
using NgsiFlow.Engine.Records;
using NgsiFlow.Sinks.Parquet;
using Record = NgsiFlow.Engine.Records.Record;

namespace NgsiFlow.Sql.Tests;

/// <summary>Queries over Parquet files: made by DuckDB itself and by NgsiFlow's Parquet sink, with the sink's layout.</summary>
public sealed class SqlSessionTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ngsiflow-sql-" + Guid.NewGuid().ToString("N")[..8]);

    public SqlSessionTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Query_filesWrittenByTheParquetSink_countsAveragesAndHourlyMinMax()
    {
        var records = new List<Record>();
        for (var i = 0; i < 360; i++)
        {
            // Three hosts, one reading each every 30 s over three hours; route alerts for the hot ones.
            var host = "rpi-" + (i % 3);
            var cpu = 40.0 + (i % 3 * 10) + (i % 7);
            records.Add(new Record { ["output"] = cpu >= 60 ? "alerts" : "sensors", ["host"] = host, ["cputemp"] = cpu, ["systemtime"] = Start.AddSeconds(30 * i), ["n"] = (long)i });
        }

        await using (var sink = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = _directory, PartitionBy = ["output"], PartitionByDate = true, DateField = "systemtime", RowGroupSize = 50 }))
        {
            foreach (var chunk in records.Chunk(40))
            {
                await sink.WriteAsync(chunk, CancellationToken.None);
                await sink.FlushAsync(CancellationToken.None);
            }
        }

        await using var sql = await SqlSession.OpenAsync(new SqlOptions { DataDirectory = _directory }, CancellationToken.None);

        sql.Tables.Select(t => t.Name).ShouldBe(["records", "alerts", "sensors"]);
        var perOutput = await sql.QueryAsync("SELECT output, count(*) FROM records GROUP BY output ORDER BY output", 10, CancellationToken.None);
        perOutput.Rows.Select(r => ($"{r[0]}", Convert.ToInt64(r[1]))).ShouldBe(records.GroupBy(r => (string)r["output"]!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, (long)g.Count())));
        var perHost = await sql.QueryAsync("SELECT host, count(*) AS readings, avg(cputemp) AS mean FROM records GROUP BY host ORDER BY host", 10, CancellationToken.None);
        perHost.Columns.Select(c => c.Name).ShouldBe(["host", "readings", "mean"]);
        foreach (var row in perHost.Rows)
        {
            var mine = records.Where(r => (string)r["host"]! == (string)row[0]!).ToList();
            Convert.ToInt64(row[1]).ShouldBe(mine.Count);
            ((double)row[2]!).ShouldBe(mine.Average(r => (double)r["cputemp"]!), 1e-9);
        }

        var hourly = await sql.QueryAsync("SELECT date_trunc('hour', systemtime) AS hour, min(cputemp), max(cputemp), count(*) FROM records GROUP BY hour ORDER BY hour", 10, CancellationToken.None);
        hourly.Rows.Count.ShouldBe(3);
        foreach (var row in hourly.Rows)
        {
            var hour = row[0] is DateTime d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : (DateTimeOffset)row[0]!;
            var mine = records.Where(r => ((DateTimeOffset)r["systemtime"]!).UtcDateTime.Hour == hour.UtcDateTime.Hour).ToList();
            ((double)row[1]!).ShouldBe(mine.Min(r => (double)r["cputemp"]!));
            ((double)row[2]!).ShouldBe(mine.Max(r => (double)r["cputemp"]!));
            Convert.ToInt64(row[3]).ShouldBe(mine.Count);
        }

        (await sql.QueryAsync("SELECT count(*) FROM alerts", 1, CancellationToken.None)).Rows[0][0].ShouldBe((long)records.Count(r => (string)r["output"]! == "alerts"));
    }

    [Fact]
    public async Task Open_filesWrittenByDuckDB_andAHiddenTemporaryFileIsIgnored()
    {
        var partition = Path.Combine(_directory, "route=sensors", "date=2026-12-04");
        Directory.CreateDirectory(partition);
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var copy = duck.CreateCommand();
            copy.CommandText = $"COPY (SELECT range AS n, 'h' || (range % 2) AS host FROM range(10)) TO '{Path.Combine(partition, "part-1.parquet")}' (FORMAT parquet)";
            copy.ExecuteNonQuery();
        }

        await File.WriteAllTextAsync(Path.Combine(partition, ".part-2.parquet.tmp"), "half a file");

        await using var sql = await SqlSession.OpenAsync(new SqlOptions { DataDirectory = _directory }, CancellationToken.None);
        var result = await sql.QueryAsync("SELECT count(*), sum(n), min(route), min(date) FROM records", 1, CancellationToken.None);

        result.Rows[0][0].ShouldBe(10L);
        Convert.ToInt64(result.Rows[0][1]).ShouldBe(45);
        result.Rows[0][2].ShouldBe("sensors");
    }

    [Fact]
    public async Task Query_moreRowsThanTheLimit_isTruncatedAndSaysSo()
    {
        await using var sql = await SqlSession.OpenAsync(new SqlOptions(), CancellationToken.None);

        var result = await sql.QueryAsync("SELECT * FROM range(100)", 7, CancellationToken.None);

        result.Rows.Count.ShouldBe(7);
        result.Truncated.ShouldBeTrue();
    }

    [Theory]
    [InlineData("SELEC 1", "Parser Error")]
    [InlineData("SELECT * FROM nowhere", "the tables are: records")]
    [InlineData("SELECT nope FROM records", "Binder Error")]
    public async Task Query_badSql_throwsSqlQueryExceptionWithDuckDbsExplanation(string query, string message)
    {
        await File.WriteAllBytesAsync(Path.Combine(_directory, "x.parquet"), await ParquetOf("SELECT 1 AS a"));
        await using var sql = await SqlSession.OpenAsync(new SqlOptions { DataDirectory = _directory }, CancellationToken.None);

        (await Should.ThrowAsync<SqlQueryException>(() => sql.QueryAsync(query, 10, CancellationToken.None))).Message.ShouldContain(message);
    }

    [Fact]
    public async Task Open_missingDirectoryOrCorruptFile_isAClearError()
    {
        (await Should.ThrowAsync<SqlQueryException>(() => SqlSession.OpenAsync(new SqlOptions { DataDirectory = Path.Combine(_directory, "nope") }, CancellationToken.None)))
            .Message.ShouldBe($"the data directory {Path.Combine(_directory, "nope")} does not exist");

        await File.WriteAllTextAsync(Path.Combine(_directory, "broken.parquet"), "not parquet at all");
        var error = await Should.ThrowAsync<SqlQueryException>(async () =>
        {
            await using var sql = await SqlSession.OpenAsync(new SqlOptions { DataDirectory = _directory }, CancellationToken.None);
            await sql.QueryAsync("SELECT * FROM records", 10, CancellationToken.None);
        });
        error.Message.ShouldContain("broken.parquet");
    }

    [Fact]
    public async Task Query_emptyDirectory_saysThereIsNothingToQuery()
    {
        await using var sql = await SqlSession.OpenAsync(new SqlOptions { DataDirectory = _directory }, CancellationToken.None);

        (await Should.ThrowAsync<SqlQueryException>(() => sql.QueryAsync("SELECT * FROM records", 10, CancellationToken.None))).Message.ShouldContain("nothing to query");
    }

    private async Task<byte[]> ParquetOf(string select)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".parquet");
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var copy = duck.CreateCommand();
            copy.CommandText = $"COPY ({select}) TO '{path}' (FORMAT parquet)";
            copy.ExecuteNonQuery();
        }

        var bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        return bytes;
    }
}
