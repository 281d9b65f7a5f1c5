using System.Diagnostics;
using NgsiFlow.Cli.Pipelines;
using NgsiFlow.Cli.Pipelines.Detector;
using NgsiFlow.Dashboard;
using NgsiFlow.Sinks.RabbitMq;
using Spectre.Console;

namespace NgsiFlow.Cli.Demo.Detector;

/// <summary>
/// <c>ngsiflow demo detector</c>: synthetic detector hits on <c>data_raw</c> (10 partitions), histograms every batch
/// interval on <c>data_clean</c>, the latest batch on the dashboard, and a summary at the end.
/// </summary>
internal static class DetectorDemo
{
    /// <summary>Runs the demo; returns the exit code (0 when every record was processed).</summary>
    /// <param name="options">The options (valid).</param>
    /// <param name="console">The terminal.</param>
    /// <param name="onDashboard">Called with the dashboard's address once it listens (tests use it).</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>The summary.</returns>
    public static async Task<PipelineSummary> RunAsync(DetectorDemoOptions options, IAnsiConsole console, Action<Uri>? onDashboard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        var topology = new DetectorTopology();
        console.MarkupLine($"[bold]NgsiFlow demo[/]: detector monitoring, histograms every {options.Interval.TotalSeconds:0.###} s");
        await using var feed = options.NoDashboard ? null : new DashboardFeed(new DashboardFeedOptions { JobName = "detector monitoring" });
        await using var server = feed is null ? null : await PipelineDemoHost.StartAsync(feed, options.DashboardPort, cancellationToken).ConfigureAwait(false);
        var panels = feed is null ? null : new DetectorDashboard(feed);
        if (server is not null)
        {
            console.MarkupLine($"  dashboard  [link]{Markup.Escape(server.BaseAddress.ToString())}[/] (open it in a browser)");
            onDashboard?.Invoke(server.BaseAddress);
        }

        if (options.RabbitMq is { } uri)
        {
            await PipelineDemoHost.CheckRabbitMqAsync(uri, cancellationToken).ConfigureAwait(false);
            await topology.DeclareAsync(uri, purge: true, cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"  transport  RabbitMQ {Markup.Escape(PipelineDemoHost.Redact(uri))}: exchange {topology.Raw} → queues {topology.PartitionQueue(0)}…{topology.PartitionQueue(topology.Partitions - 1)}, results on queue {topology.Clean}");
        }
        else
        {
            console.MarkupLine($"  transport  in process: {topology.Raw} with {topology.Partitions} partitions, {topology.Clean} in memory");
        }

        await using var pipeline = options.RabbitMq is { } u
            ? DetectorPipeline.OnRabbitMq(u, topology, options.Interval)
            : DetectorPipeline.InProcess(options.Interval, topology.Partitions);
        await using var publisher = options.RabbitMq is { } pu ? new RabbitMqHitPublisher(pu, topology, options.LinesPerMessage) : null;
        var totals = new Totals();
        feed?.SetJobState(DashboardJobState.Running);
        pipeline.Job.Start();
        var consumer = options.RabbitMq is { } cu
            ? ConsumeRabbitMqAsync(cu, topology, totals, panels, cancellationToken)
            : ConsumeInProcessAsync(pipeline, totals, panels, cancellationToken);

        var clock = Stopwatch.StartNew();
        long sent;
        try
        {
            sent = await ProduceAsync(options, pipeline, publisher, topology, console, cancellationToken).ConfigureAwait(false);
            var produced = clock.Elapsed;
            console.MarkupLine($"  generated  {sent:N0} records in {produced.TotalSeconds:0.0} s; waiting for the last batch…");
            if (options.RabbitMq is not null)
            {
                // Records still in the queues or in the open batch: wait for the batches that hold them.
                var deadline = Stopwatch.StartNew();
                while (pipeline.Records < sent && deadline.Elapsed < options.Interval * 3 + TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
            }

            await pipeline.Job.StopAsync(cancellationToken).ConfigureAwait(false);
            if (totals.StopReading is { } stopReading)
            {
                // Every batch is on data_clean now: read up to the last one, then stop the reader.
                var deadline = Stopwatch.StartNew();
                while (Interlocked.Read(ref totals.Records) < pipeline.Records && deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                }

                await stopReading.CancelAsync().ConfigureAwait(false);
            }

            await consumer.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            feed?.SetJobState(DashboardJobState.Failed);
            throw;
        }

        var elapsed = clock.Elapsed;
        feed?.SetJobState(DashboardJobState.Finished);
        var summary = new PipelineSummary("detector")
            .Add("transport", "transport", options.RabbitMq is null ? "in process" : "RabbitMQ")
            .Add("records_sent", "records sent to data_raw", sent)
            .Add("records_processed", "records in batch results", totals.Records)
            .Add("lost", "records lost", sent - totals.Records)
            .Add("malformed", "records rejected as malformed", MalformedOf(pipeline))
            .Add("batches", "batches on data_clean", totals.Batches)
            .Add("batch_seconds", "batch interval", options.Interval.TotalSeconds, "s")
            .Add("clean_hits", "clean hits", totals.CleanHits)
            .Add("triggers", "trigger records dropped", totals.Triggers)
            .Add("hits_per_chamber", "hits per chamber 0/1/2/3", string.Join(" / ", totals.PerChamber))
            .Add("elapsed_seconds", "first record → last batch", elapsed.TotalSeconds, "s")
            .Add("hits_per_second", "records processed per second", totals.Records / elapsed.TotalSeconds, "1/s")
            .Add("dashboard_url", "dashboard", server?.BaseAddress.ToString());
        await PipelineDemoHost.FinishAsync(summary, "Detector monitoring", options, server is not null, console, cancellationToken).ConfigureAwait(false);
        return summary;
    }

    private static long MalformedOf(DetectorPipeline pipeline) =>
        pipeline.Job.GetStatistics().Where(s => s.Name == "parse").Sum(s => s.Skipped);

    private static async Task<long> ProduceAsync(DetectorDemoOptions options, DetectorPipeline pipeline, RabbitMqHitPublisher? publisher, DetectorTopology topology, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var generator = new HitGenerator(options.Seed);
        var limit = options.Hits ?? long.MaxValue;
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var clock = Stopwatch.StartNew();
        var chunk = new DetectorHit[publisher is null ? 1024 : 5000];
        long sent = 0;
        var lastReport = TimeSpan.Zero;
        while (sent < limit && clock.Elapsed < duration)
        {
            var due = options.Rate > 0 ? (long)(options.Rate * clock.Elapsed.TotalSeconds) - sent : chunk.Length;
            if (due <= 0)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var n = (int)Math.Min(Math.Min(due, chunk.Length), limit - sent);
            generator.Fill(chunk.AsSpan(0, n));
            if (publisher is not null)
            {
                await publisher.PublishAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    await pipeline.Partitions[topology.PartitionOf(chunk[i].OrbitCount)].WriteAsync(chunk[i].ToCsv(), cancellationToken).ConfigureAwait(false);
                }
            }

            sent += n;
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                console.MarkupLine($"  {clock.Elapsed.TotalSeconds,5:0} s  {sent,12:N0} records sent, {pipeline.Records,12:N0} in {pipeline.Batches} batch(es)");
            }
        }

        return sent;
    }

    private static async Task ConsumeInProcessAsync(DetectorPipeline pipeline, Totals totals, DetectorDashboard? panels, CancellationToken cancellationToken)
    {
        await foreach (var json in pipeline.Clean!.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var result = DetectorBatchResult.FromJson(json);
            totals.Add(result);
            panels?.Show(result);
        }
    }

    private static async Task ConsumeRabbitMqAsync(Uri uri, DetectorTopology topology, Totals totals, DetectorDashboard? panels, CancellationToken cancellationToken)
    {
        // The dashboard side reads data_clean like any other consumer of the topic.
        await using var source = new RabbitMqQueueSource<DetectorBatchResult>(
            new RabbitMqQueueSourceOptions { Uri = uri, Queue = topology.Clean, Prefetch = 10, Name = topology.Clean + " reader" },
            d => DetectorBatchResult.FromJson(d.Body.Span));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        totals.StopReading = stop;
        try
        {
            await foreach (var item in source.ReadAsync(stop.Token).ConfigureAwait(false))
            {
                totals.Add(item.Value);
                panels?.Show(item.Value);
                await source.AcknowledgeAsync(item.Position, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stopped once every record was seen.
        }
    }

    private sealed class Totals
    {
        public long Records;
        public long Batches;
        public long CleanHits;
        public long Triggers;
        public readonly long[] PerChamber = new long[DetectorHit.ChamberCount];

        public CancellationTokenSource? StopReading { get; set; }

        public void Add(DetectorBatchResult result)
        {
            Interlocked.Add(ref Records, result.Records);
            Batches++;
            CleanHits += result.CleanHits;
            Triggers += result.Triggers;
            foreach (var c in result.Chambers)
            {
                PerChamber[c.Chamber] += c.Hits;
            }
        }
    }
}
