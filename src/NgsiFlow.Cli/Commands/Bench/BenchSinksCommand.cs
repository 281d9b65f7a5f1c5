using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using NgsiFlow.Sinks.InfluxDb;
using NgsiFlow.Sinks.PostgreSql;
using NgsiFlow.Sinks.RabbitMq;
using RabbitMQ.Client;
using Spectre.Console;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench sinks</c>: throughput of the InfluxDB, PostgreSQL and RabbitMQ sinks against servers the user
/// names, each next to the same work done by the bare client library in the same run, and their ratio.
/// </summary>
internal static partial class BenchSinksCommand
{
    private const int PointSeries = 100;
    private const int InfluxBodies = 64;

    public static Command Create()
    {
        var influx = new Option<string?>("--influx") { Description = "InfluxDB 1.x base address, e.g. http://127.0.0.1:8086/ (databases ngsiflow_bench_* are recreated)." };
        var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string (tables ngsiflow_bench_* are recreated)." };
        var parquet = new Option<string?>("--parquet") { Description = "A directory for Parquet files (ngsiflow-bench-* inside it is recreated)." };
        var rabbit = new Option<string?>("--rabbitmq") { Description = "AMQP URI, e.g. amqp://guest:guest@127.0.0.1:5672/ (queues ngsiflow.bench.* are recreated)." };
        var seconds = new Option<double>("--seconds") { Description = "Duration of each measurement (the sink, then its reference).", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Records per write (the sink's MaxBatchSize and the reference's batch).", DefaultValueFactory = _ => 5000 };
        var command = new Command("sinks", "Throughput of the InfluxDB, PostgreSQL, RabbitMQ and Parquet sinks next to the bare client library.");
        command.Options.Add(influx);
        command.Options.Add(postgres);
        command.Options.Add(rabbit);
        command.Options.Add(parquet);
        command.Options.Add(seconds);
        command.Options.Add(batchSize);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var duration = TimeSpan.FromSeconds(parseResult.GetValue(seconds));
            var size = parseResult.GetValue(batchSize);
            if (duration <= TimeSpan.Zero || size < 1)
            {
                await output.WriteLineAsync("--seconds must be positive and --batch-size at least 1.").ConfigureAwait(false);
                return 2;
            }

            if (!TryAddress(parseResult.GetValue(influx), "--influx", ["http", "https"], output, out var influxUri)
                || !TryAddress(parseResult.GetValue(rabbit), "--rabbitmq", ["amqp", "amqps"], output, out var rabbitUri))
            {
                return 2;
            }

            var results = new List<BenchResult>();
            if (influxUri is not null)
            {
                results.Add(await BenchInfluxAsync(influxUri, duration, size, output, cancellationToken).ConfigureAwait(false));
            }

            if (parseResult.GetValue(postgres) is { } connectionString)
            {
                results.Add(await BenchPostgresAsync(connectionString, duration, size, output, cancellationToken).ConfigureAwait(false));
            }

            if (rabbitUri is not null)
            {
                results.Add(await BenchRabbitMqAsync(rabbitUri, duration, Math.Min(size, 1000), output, cancellationToken).ConfigureAwait(false));
            }

            if (parseResult.GetValue(parquet) is { } directory)
            {
                results.Add(await BenchParquetAsync(directory, duration, size, output, cancellationToken).ConfigureAwait(false));
            }

            if (results.Count == 0)
            {
                await output.WriteLineAsync("Name at least one destination: --influx URL, --postgres CONNECTION, --rabbitmq URI, --parquet DIR.").ConfigureAwait(false);
                return 2;
            }

            var table = new Table().AddColumns("sink", "unit", "batch", "sink rate", "reference rate", "ratio");
            foreach (var r in results)
            {
                table.AddRow(r.Sink, r.Unit, F(r.BatchSize), F(r.SinkRate), F(r.ReferenceRate), r.Ratio.ToString("0.00", CultureInfo.InvariantCulture));
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            console.Write(table);
            foreach (var r in results)
            {
                await output.WriteLineAsync($"reference for {r.Sink}: {r.Reference}").ConfigureAwait(false);
            }

            var json = JsonSerializer.Serialize(new
            {
                bench = "sinks",
                seconds = duration.TotalSeconds,
                results = results.Select(r => new { sink = r.Sink, unit = r.Unit, batchSize = r.BatchSize, sinkRate = Math.Round(r.SinkRate), referenceRate = Math.Round(r.ReferenceRate), ratio = Math.Round(r.Ratio, 3), sinkRecords = r.SinkRecords, referenceRecords = r.ReferenceRecords, reference = r.Reference }),
            });
            await output.WriteLineAsync(json).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static bool TryAddress(string? text, string option, string[] schemes, TextWriter output, out Uri? uri)
    {
        uri = null;
        if (text is null)
        {
            return true;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && schemes.Contains(parsed.Scheme))
        {
            uri = parsed;
            return true;
        }

        output.WriteLine($"{option}: '{text}' is not an absolute {string.Join(" or ", schemes)} address.");
        return false;
    }

    private static string F(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static async Task<BenchResult> BenchInfluxAsync(Uri server, TimeSpan duration, int batchSize, TextWriter output, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        foreach (var db in new[] { "ngsiflow_bench_sink", "ngsiflow_bench_ref" })
        {
            await InfluxQueryAsync(http, $"DROP DATABASE {db}", cancellationToken).ConfigureAwait(false);
            await InfluxQueryAsync(http, $"CREATE DATABASE {db}", cancellationToken).ConfigureAwait(false);
        }

        // Both sides write the same points: InfluxBodies batches of distinct series and times, cycled.
        var batches = Enumerable.Range(0, InfluxBodies).Select(b => Enumerable.Range(0, batchSize).Select(i => Reading(b, i, batchSize)).ToArray()).ToArray();
        var bodies = batches.Select(batch =>
        {
            var text = new StringBuilder();
            foreach (var r in batch)
            {
                text.Append(CultureInfo.InvariantCulture, $"machine,sensor=s{r.Sensor} temperature={r.Value.ToString("R", CultureInfo.InvariantCulture)},seq={r.Sequence}i {r.Nanoseconds}\n");
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }).ToArray();

        await output.WriteLineAsync($"InfluxDB {server}: sink and reference, {duration.TotalSeconds:0.#} s each, interleaved...").ConfigureAwait(false);
        var options = new InfluxDbSinkOptions { ServerUri = server, Database = "ngsiflow_bench_sink", MaxBatchSize = batchSize, Name = "bench-influxdb" };
        await using var sink = new InfluxDbSink<BenchReading>(options, r => new InfluxPoint("machine").Tag("sensor", r.SensorTag).Field("temperature", r.Value).Field("seq", r.Sequence).AtNanoseconds(r.Nanoseconds));
        var (sinkBatches, sinkSeconds, referenceBatches, referenceSeconds) = await InterleaveAsync(
            duration,
            n => sink.WriteAsync(batches[n % InfluxBodies], cancellationToken).AsTask(),
            async n =>
            {
                using var content = new ByteArrayContent(bodies[n % InfluxBodies]);
                content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                using var response = await http.PostAsync(new Uri("write?db=ngsiflow_bench_ref&precision=ns", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            }).ConfigureAwait(false);
        var (sinkPoints, referencePoints) = (sinkBatches * batchSize, referenceBatches * batchSize);

        return new BenchResult("influxdb", "points/s", batchSize, sinkPoints, sinkSeconds, referencePoints, referenceSeconds, "HttpClient POST /write of pre-built line protocol");
    }

    private static async Task<BenchResult> BenchPostgresAsync(string connectionString, TimeSpan duration, int batchSize, TextWriter output, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await ExecuteAsync(dataSource, "DROP TABLE IF EXISTS ngsiflow_bench_sink, ngsiflow_bench_ref", cancellationToken).ConfigureAwait(false);
        var received = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(0, batchSize).Select(i => new EntityAttributeRow(
            "bench", "/plant", $"urn:ngsi-ld:Machine:{i % PointSeries}", "Machine", "temperature", "Number",
            (20 + (i % 50) * 0.25).ToString("R", CultureInfo.InvariantCulture), received.AddMilliseconds(-i), received)).ToArray();

        await output.WriteLineAsync($"PostgreSQL: sink and reference, {duration.TotalSeconds:0.#} s each, interleaved...").ConfigureAwait(false);
        var options = new PostgreSqlHistorySinkOptions { ConnectionString = connectionString, Table = "ngsiflow_bench_sink", MaxBatchSize = batchSize, Name = "bench-postgresql" };
        await using var sink = new PostgreSqlHistorySink<EntityAttributeRow>(options, r => r);
        await sink.WriteAsync(rows.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);

        // Same table shape (columns, identity, index) for the reference.
        await ExecuteAsync(dataSource, "CREATE TABLE ngsiflow_bench_ref (LIKE ngsiflow_bench_sink INCLUDING ALL)", cancellationToken).ConfigureAwait(false);
        var (sinkBatches, sinkSeconds, referenceBatches, referenceSeconds) = await InterleaveAsync(
            duration,
            _ => sink.WriteAsync(rows, cancellationToken).AsTask(),
            async _ =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var importer = await connection.BeginBinaryImportAsync(
                    "COPY ngsiflow_bench_ref (tenant, service_path, entity_id, entity_type, attribute, attribute_type, value, observed_at, received_at) FROM STDIN (FORMAT BINARY)",
                    cancellationToken).ConfigureAwait(false);
                foreach (var row in rows)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Tenant, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.ServicePath, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.EntityId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.EntityType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Attribute, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.AttributeType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.Value!, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.ObservedAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(row.ReceivedAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                }

                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        var (sinkRows, referenceRows) = (sinkBatches * batchSize, referenceBatches * batchSize);

        return new BenchResult("postgresql", "rows/s", batchSize, sinkRows, sinkSeconds, referenceRows, referenceSeconds, "Npgsql binary COPY of the same rows");
    }

    private static async Task<BenchResult> BenchRabbitMqAsync(Uri uri, TimeSpan duration, int batchSize, TextWriter output, CancellationToken cancellationToken)
    {
        const string sinkQueue = "ngsiflow.bench.sink";
        const string referenceQueue = "ngsiflow.bench.ref";
        const int maxOutstanding = 1024;
        var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = "ngsiflow-bench-reference" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var admin = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            foreach (var queue in new[] { sinkQueue, referenceQueue })
            {
                await admin.QueueDeleteAsync(queue, cancellationToken: cancellationToken).ConfigureAwait(false);
                await admin.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        var bodies = Enumerable.Range(0, batchSize)
            .Select(i => JsonSerializer.SerializeToUtf8Bytes(new { id = $"urn:ngsi-ld:Machine:{i % PointSeries}", temperature = 20 + (i % 50) * 0.25, regime = i % 3 }))
            .ToArray();

        await output.WriteLineAsync($"RabbitMQ: sink and reference, {duration.TotalSeconds:0.#} s each, interleaved...").ConfigureAwait(false);
        var options = new RabbitMqSinkOptions { Uri = uri, RoutingKey = sinkQueue, MaxBatchSize = batchSize, MaxOutstandingConfirms = maxOutstanding, Name = "bench-rabbitmq" };
        await using var sink = new RabbitMqSink<byte[]>(options, body => new RabbitMqMessage(body));
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null),
            cancellationToken).ConfigureAwait(false);
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var (sinkBatches, sinkSeconds, referenceBatches, referenceSeconds) = await InterleaveAsync(
            duration,
            _ => sink.WriteAsync(bodies, cancellationToken).AsTask(),
            async _ =>
            {
                var inFlight = new Queue<Task>();
                foreach (var body in bodies)
                {
                    if (inFlight.Count >= maxOutstanding)
                    {
                        await inFlight.Dequeue().ConfigureAwait(false);
                    }

                    inFlight.Enqueue(channel.BasicPublishAsync(string.Empty, referenceQueue, mandatory: true, properties, body, cancellationToken).AsTask());
                }

                while (inFlight.Count > 0)
                {
                    await inFlight.Dequeue().ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        var (sinkMessages, referenceMessages) = (sinkBatches * batchSize, referenceBatches * batchSize);
        await PurgeAsync(connection, sinkQueue, cancellationToken).ConfigureAwait(false);
        await PurgeAsync(connection, referenceQueue, cancellationToken).ConfigureAwait(false);

        return new BenchResult("rabbitmq", "messages/s", batchSize, sinkMessages, sinkSeconds, referenceMessages, referenceSeconds, "BasicPublishAsync loop, tracked confirms, 1,024 in flight, persistent, mandatory");
    }

    /// <summary>
    /// Runs the sink's and the reference's steps in alternating slices (one warm-up step each first), so that both
    /// meet the same machine load; returns the steps done and seconds spent by each.
    /// </summary>
    private static async Task<(long SinkSteps, double SinkSeconds, long ReferenceSteps, double ReferenceSeconds)> InterleaveAsync(
        TimeSpan duration, Func<int, Task> sinkStep, Func<int, Task> referenceStep)
    {
        const int slices = 10;
        await sinkStep(0).ConfigureAwait(false);
        await referenceStep(0).ConfigureAwait(false);
        var slice = duration / slices;
        long sinkSteps = 1, referenceSteps = 1;
        double sinkSeconds = 0, referenceSeconds = 0;
        for (var i = 0; i < slices; i++)
        {
            (sinkSteps, sinkSeconds) = await RunSliceAsync(slice, sinkStep, sinkSteps, sinkSeconds).ConfigureAwait(false);
            (referenceSteps, referenceSeconds) = await RunSliceAsync(slice, referenceStep, referenceSteps, referenceSeconds).ConfigureAwait(false);
        }

        return (sinkSteps - 1, sinkSeconds, referenceSteps - 1, referenceSeconds);
    }

    private static async Task<(long Steps, double Seconds)> RunSliceAsync(TimeSpan slice, Func<int, Task> step, long steps, double seconds)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < slice)
        {
            await step((int)(steps++ % int.MaxValue)).ConfigureAwait(false);
        }

        return (steps, seconds + watch.Elapsed.TotalSeconds);
    }

    private static BenchReading Reading(int batch, int index, int batchSize)
    {
        var sequence = ((long)batch * batchSize) + index;
        return new BenchReading(index % PointSeries, 20 + (sequence % 50) * 0.25, sequence, 1_700_000_000_000_000_000 + (sequence * 1000));
    }

    private static async Task InfluxQueryAsync(HttpClient http, string statement, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent([new("q", statement)]);
        using var response = await http.PostAsync(new Uri("query", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task PurgeAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeleteAsync(queue, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private sealed record BenchReading(int Sensor, double Value, long Sequence, long Nanoseconds)
    {
        public string SensorTag { get; } = "s" + Sensor.ToString(CultureInfo.InvariantCulture);
    }

    private sealed record BenchResult(string Sink, string Unit, int BatchSize, long SinkRecords, double SinkSeconds, long ReferenceRecords, double ReferenceSeconds, string Reference)
    {
        public double SinkRate => SinkRecords / SinkSeconds;

        public double ReferenceRate => ReferenceRecords / ReferenceSeconds;

        public double Ratio => SinkRate / ReferenceRate;
    }
}
