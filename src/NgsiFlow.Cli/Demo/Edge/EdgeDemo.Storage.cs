using NgsiFlow.Cli.Pipelines;
using NgsiFlow.Engine;
using NgsiFlow.Engine.Records;
using NgsiFlow.Sinks.Parquet;
using NgsiFlow.Sql;
using Spectre.Console;

namespace NgsiFlow.Cli.Demo.Edge;

/// <summary>The demo's Parquet sink and its closing SQL report.</summary>
internal static partial class EdgeDemo
{
    private static IStreamSink<Record> CreateParquetSink(string data) => new ParquetSink<Record>(new ParquetSinkOptions<Record>
    {
        Name = "parquet",
        Directory = data,
        PartitionBy = ["output"],
        PartitionByDate = true,
        DateField = "systemtime",
        RollInterval = TimeSpan.FromSeconds(5),
    });

    private static async Task<EdgeReport> ReportAsync(string data, IAnsiConsole console, CancellationToken cancellationToken)
    {
        try
        {
            await using var sql = await SqlSession.OpenAsync(new SqlOptions { DataDirectory = data }, cancellationToken).ConfigureAwait(false);
            var perOutput = await sql.QueryAsync("SELECT output, count(*) AS n FROM records GROUP BY output", 10, cancellationToken).ConfigureAwait(false);
            long Count(string output) => perOutput.Rows.Where(r => (string?)r[0] == output).Select(r => Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();

            const string PerDevice = """
                SELECT host, count(*) AS readings, round(avg(cputemp), 1) AS avg_cpu_c, round(avg(bme680_tempc), 2) AS avg_air_c,
                       round(max(accel_z), 2) AS max_accel_z, sum(CASE WHEN output = 'alerts' THEN 1 ELSE 0 END) AS alerts
                FROM records WHERE output <> 'deadLetter' GROUP BY host ORDER BY host
                """;
            const string PerHour = """
                SELECT date_trunc('hour', systemtime) AS hour, count(*) AS readings, min(bme680_tempc) AS min_air_c, max(bme680_tempc) AS max_air_c,
                       min(cputemp) AS min_cpu_c, max(cputemp) AS max_cpu_c
                FROM records WHERE output <> 'deadLetter' GROUP BY hour ORDER BY hour
                """;
            var devices = await sql.QueryAsync(PerDevice, 10_000, cancellationToken).ConfigureAwait(false);
            var hours = await sql.QueryAsync(PerHour, 1000, cancellationToken).ConfigureAwait(false);
            var reasons = await sql.QueryAsync("SELECT reason, count(*) AS n FROM records WHERE output = 'deadLetter' GROUP BY reason ORDER BY n DESC LIMIT 3", 3, cancellationToken).ConfigureAwait(false);
            Show(console, "Readings per device (SQL over the Parquet files)", devices, 12);
            Show(console, "Per hour: min and max", hours, 48);
            if (reasons.Rows.Count > 0)
            {
                Show(console, "Dead letters by reason", reasons, 3);
            }

            console.MarkupLine($"  query them yourself: [blue]./ngsiflow sql --data {Markup.Escape(data)} \"SELECT * FROM records LIMIT 10\"[/]");
            var files = Directory.EnumerateFiles(data, "*.parquet", SearchOption.AllDirectories).LongCount();
            return new EdgeReport(Count("sensors"), Count("alerts"), Count(RecordPipeline.DeadLetterOutput), files, devices.Rows.Count);
        }
        catch (SqlQueryException e)
        {
            throw new PipelineDemoException($"the SQL report over {data} failed: {e.Message}", e);
        }
    }

    private static void Show(IAnsiConsole console, string title, SqlResult result, int maxRows)
    {
        var table = new Table().Title(Markup.Escape(title));
        foreach (var column in result.Columns)
        {
            table.AddColumn(Markup.Escape(column.Name));
        }

        foreach (var row in result.Rows.Take(maxRows))
        {
            table.AddRow([.. row.Select(v => Markup.Escape(v switch
            {
                null => "—",
                DateTime t => t.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                double d => d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            }))]);
        }

        if (result.Rows.Count > maxRows)
        {
            table.Caption($"{maxRows} of {result.Rows.Count} rows");
        }

        console.Write(table);
    }

    private sealed record EdgeReport(long Sensors, long Alerts, long DeadLetters, long Files, long Devices);
}
