using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using NgsiFlow.Broker;
using NgsiFlow.Cli.Pipelines;
using NgsiFlow.Cli.Pipelines.Edge;
using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Dashboard;
using NgsiFlow.Engine;
using NgsiFlow.Engine.Records;
using NgsiFlow.Ngsi;
using Spectre.Console;

namespace NgsiFlow.Cli.Demo.Edge;

/// <summary>
/// <c>ngsiflow demo edge</c>, the NiFi seed done with NgsiFlow: simulated devices POST sensor JSON lines to
/// <c>/ingest/sensors</c>; the job converts and routes each record (<see cref="EdgeFlow"/>), writes it to Parquet under
/// <c>output=sensors</c>, <c>output=alerts</c> or, when invalid, <c>output=deadLetter</c> with the reason, and upserts each
/// device's latest reading into the embedded broker; at the end an SQL report reads the Parquet files back.
/// </summary>
internal static partial class EdgeDemo
{
    private static readonly FiwareContext Tenant = new("edge", "/devices", null);

    /// <summary>Runs the demo.</summary>
    /// <param name="options">Valid options.</param>
    /// <param name="console">The terminal.</param>
    /// <param name="onDashboard">Called with the dashboard's address once it listens.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>The summary.</returns>
    public static async Task<PipelineSummary> RunAsync(EdgeDemoOptions options, IAnsiConsole console, Action<Uri>? onDashboard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        var data = PrepareDataDirectory(options.DataDirectory);
        var total = (long)options.Devices * options.Readings;
        console.MarkupLine($"[bold]NgsiFlow demo[/]: edge to AI, {options.Devices} device(s) × {options.Readings:N0} readings = {total:N0} records");
        console.MarkupLine($"  parquet    {Markup.Escape(data)}");

        await using var feed = options.NoDashboard ? null : new DashboardFeed(new DashboardFeedOptions { JobName = "edge to AI", MaxPointsPerPanel = 2000 });
        await using var server = feed is null ? null : await PipelineDemoHost.StartAsync(feed, options.DashboardPort, cancellationToken).ConfigureAwait(false);
        var outputs = new[] { EdgeFlow.Route, EdgeFlow.AlertsOutput, RecordPipeline.DeadLetterOutput };
        var panels = feed is null ? null : new EdgeDashboard(feed, outputs);
        if (server is not null)
        {
            console.MarkupLine($"  dashboard  [link]{Markup.Escape(server.BaseAddress.ToString())}[/] (open it in a browser)");
            onDashboard?.Invoke(server.BaseAddress);
        }

        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"  broker     embedded NGSI-v2 at {Markup.Escape(broker.BaseAddress.ToString())} (tenant edge, service path /devices)");
        var counts = new Counts(outputs.Length);
        var parquet = CreateParquetSink(data);
        var connector = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0 } });
        var clock = Stopwatch.StartNew();
        long sent;
        long broken;
        await using (parquet)
        await using (connector)
        {
            var orion = connector.AddBroker(BrokerConnection.V2(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = Tenant }));
            var replier = connector.Replier(orion);
            var job = new StreamJob("edge");
            var results = connector.Ingest(job, EdgeFlow.Route, capacity: 8192)
                .Select(r => (Source: r, Result: EdgeFlow.Pipeline.Process(r.Record, r.Context)), name: "transform");
            results.Select(r => ToStored(r.Source, r.Result), name: "to parquet").To(parquet, name: "parquet");
            // In order per device (its entity ends with its latest reading), eight devices at a time.
            results.KeyBy(r => r.Source.Record["host"] as string ?? string.Empty).ForEachAsync(
                async (r, ct) =>
                {
                    string? error = null;
                    if (!r.Result.IsDeadLetter && EdgeFlow.Bridge.TryMap(r.Result.Record, out var entity, out error))
                    {
                        await replier.UpsertEntityAsync(entity, Tenant, ct).ConfigureAwait(false);
                        Interlocked.Increment(ref counts.Upserts);
                    }
                    else if (!r.Result.IsDeadLetter)
                    {
                        Interlocked.Increment(ref counts.BridgeRefused);
                        console.MarkupLine($"  [yellow]bridge refused[/] {Markup.Escape(error ?? string.Empty)}");
                    }

                    Interlocked.Increment(ref counts.PerOutput[Array.IndexOf(outputs, OutputOf(r.Result))]);
                },
                parallelism: 8,
                name: "bridge");
            await connector.StartAsync(cancellationToken).ConfigureAwait(false);
            var ingest = connector.Receiver.IngestRoutes[EdgeFlow.Route];
            console.MarkupLine($"  ingest     POST {Markup.Escape(ingest.Url.ToString())} (JSON lines, {options.PerRequest} readings per request)");
            feed?.SetJobState(DashboardJobState.Running);

            using var ticks = new CancellationTokenSource();
            var ticker = panels is null ? Task.CompletedTask : TickAsync(panels, ingest, counts, ticks.Token);
            (sent, broken) = await PostAsync(options, ingest.Url, counts, console, cancellationToken).ConfigureAwait(false);
            var accepted = ingest.GetStatistics().Events;
            await WaitUntilAsync(() => counts.Processed >= accepted, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
            await connector.StopAsync(cancellationToken).ConfigureAwait(false);
            await ticks.CancelAsync().ConfigureAwait(false);
            await ticker.ConfigureAwait(false);
            panels?.Tick(DateTimeOffset.UtcNow, ingest.GetStatistics().Events, counts.PerOutput, counts.Upserts);
            counts.Accepted = accepted;
            if (replier.GetStatistics().DeadLettered is var failed and > 0)
            {
                console.MarkupLine($"  [red]{failed} entity upsert(s) failed[/]");
            }
        }

        var elapsed = clock.Elapsed;
        feed?.SetJobState(DashboardJobState.Finished);
        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = Tenant });
        var entities = await CountEntitiesAsync(admin, cancellationToken).ConfigureAwait(false);
        var report = await ReportAsync(data, console, cancellationToken).ConfigureAwait(false);

        var stored = report.Sensors + report.Alerts + report.DeadLetters;
        var summary = new PipelineSummary("edge")
            .Add("devices", "devices", options.Devices)
            .Add("records_sent", "records sent", sent)
            .Add("records_accepted", "records accepted (200)", counts.Accepted)
            .Add("parquet_sensors", "Parquet rows, output=sensors", report.Sensors)
            .Add("parquet_alerts", "Parquet rows, output=alerts (CPU ≥ 70 °C)", report.Alerts)
            .Add("parquet_dead_letter", "Parquet rows, output=deadLetter (invalid, with reason)", report.DeadLetters)
            .Add("sensor_failures_sent", "readings sent with a failed sensor (ERR)", broken)
            .Add("parquet_rows", "Parquet rows in all", stored)
            .Add("parquet_files", "Parquet files", report.Files)
            .Add("lost", "records sent but not stored", sent - stored)
            .Add("entities", "device entities in the broker", entities)
            .Add("entity_upserts", "entity upserts", counts.Upserts)
            .Add("sql_devices", "devices in the SQL report", report.Devices)
            .Add("elapsed_seconds", "first post → last file", elapsed.TotalSeconds, "s")
            .Add("records_per_second", "records per second", sent / elapsed.TotalSeconds, "1/s")
            .Add("data_directory", "Parquet directory", data)
            .Add("dashboard_url", "dashboard", server?.BaseAddress.ToString());
        await PipelineDemoHost.FinishAsync(summary, "Edge to AI", options, server is not null, console, cancellationToken).ConfigureAwait(false);
        return summary;
    }

    private static string OutputOf(RecordResult result) => result.Output == RecordPipeline.DefaultOutput ? EdgeFlow.Route : result.Output;

    /// <summary>What is written to Parquet: the transformed record under its output, or a dead letter with the reason and the record as received.</summary>
    private static Record ToStored(IngestedRecord source, RecordResult result)
    {
        if (!result.IsDeadLetter)
        {
            // A copy: the bridge reads the same record on another branch of the job.
            var record = result.Record.Clone();
            record["output"] = OutputOf(result);
            return record;
        }

        return new Record
        {
            ["output"] = RecordPipeline.DeadLetterOutput,
            ["reason"] = result.Reason,
            ["host"] = source.Record["host"] as string,
            ["received"] = source.Context.ReceivedAt,
            ["record"] = source.Record.ToJson(),
        };
    }

    private static string PrepareDataDirectory(string? requested)
    {
        var data = Path.GetFullPath(requested ?? Path.Combine(Path.GetTempPath(), "ngsiflow-edge-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        try
        {
            if (Directory.Exists(data) && Directory.EnumerateFiles(data, "*.parquet", SearchOption.AllDirectories).Any())
            {
                throw new PipelineDemoException($"--data {data} holds Parquet files already, which the report would count; give an empty or new directory.");
            }

            Directory.CreateDirectory(data);
            return data;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PipelineDemoException($"--data {data} cannot be used: {e.Message}", e);
        }
    }

    private static async Task<(long Sent, long Broken)> PostAsync(EdgeDemoOptions options, Uri url, Counts counts, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var simulator = new DeviceSimulator(options.Devices, options.Seed);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var origin = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(8), TimeSpan.Zero);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var writer = new Utf8JsonWriter(buffer);
        var inBody = 0;
        long sent = 0;
        var clock = Stopwatch.StartNew();
        await using (writer.ConfigureAwait(false))
        {
            for (var reading = 0; reading < options.Readings; reading++)
            {
                for (var device = 0; device < options.Devices; device++)
                {
                    // Device clocks advance ten seconds per reading, so the report spans hours.
                    simulator.Write(writer, device, origin.AddSeconds(10L * reading));
                    writer.Flush();
                    writer.Reset();
                    buffer.Write("\n"u8);
                    inBody++;
                    var last = reading == options.Readings - 1 && device == options.Devices - 1;
                    if (inBody < options.PerRequest && !last)
                    {
                        continue;
                    }

                    await SendAsync(http, url, buffer.WrittenMemory, inBody, counts, cancellationToken).ConfigureAwait(false);
                    sent += inBody;
                    inBody = 0;
                    buffer.ResetWrittenCount();
                    while (options.Rate > 0 && sent > clock.Elapsed.TotalSeconds * options.Rate)
                    {
                        await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        console.MarkupLine($"  devices    posted {sent:N0} readings in {clock.Elapsed.TotalSeconds:0.0} s ({simulator.Broken} with a failed sensor, {simulator.Hot} with a hot CPU)");
        return (sent, simulator.Broken);
    }

    private static async Task SendAsync(HttpClient http, Uri url, ReadOnlyMemory<byte> body, int records, Counts counts, CancellationToken cancellationToken)
    {
        // A device retries what was not taken (503: the job's input was full), as a NiFi PostHTTP would.
        for (var attempt = 1; ; attempt++)
        {
            using var content = new ReadOnlyMemoryContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 20)
            {
                throw new PipelineDemoException($"the ingest endpoint answered {(int)response.StatusCode} to {records} readings: {text}");
            }

            Interlocked.Increment(ref counts.Retries);
            await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task TickAsync(EdgeDashboard panels, IngestRoute ingest, Counts counts, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                panels.Tick(DateTimeOffset.UtcNow, ingest.GetStatistics().Events, counts.PerOutput, counts.Upserts);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan patience, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > patience)
            {
                throw new PipelineDemoException($"the job did not process every accepted record within {patience.TotalSeconds:0} s");
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<long> CountEntitiesAsync(NgsiV2Client admin, CancellationToken cancellationToken)
    {
        long entities = 0;
        await foreach (var _ in admin.ListEntitiesAsync(new NgsiV2EntityQuery { Types = ["Device"] }, Tenant, cancellationToken).ConfigureAwait(false))
        {
            entities++;
        }

        return entities;
    }

    private sealed class Counts(int outputs)
    {
        public readonly long[] PerOutput = new long[outputs];
        public long Upserts;
        public long BridgeRefused;
        public long Retries;
        public long Accepted;

        public long Processed => PerOutput.Sum();
    }
}
