using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NgsiFlow.Cli.Pipelines;
using NgsiFlow.Cli.Pipelines.Regimes;
using NgsiFlow.Dashboard;
using NgsiFlow.Sinks.InfluxDb;
using NgsiFlow.Sinks.RabbitMq;
using Spectre.Console;

namespace NgsiFlow.Cli.Demo.Regimes;

/// <summary>
/// <c>ngsiflow demo regimes</c>: a machine's temperatures with regime changes are classified reading by reading by the
/// MLP, each prediction is published to a results topic and, with <c>--influx</c>, written to InfluxDB; the dashboard
/// plots temperature with the predicted regime.
/// </summary>
internal static class RegimesDemo
{
    /// <summary>The readings queue on RabbitMQ.</summary>
    public const string ReadingsQueue = "machine_readings";

    /// <summary>The results queue on RabbitMQ.</summary>
    public const string ResultsQueue = "regime_predictions";

    /// <summary>Runs the demo.</summary>
    /// <param name="options">Valid options.</param>
    /// <param name="console">The terminal.</param>
    /// <param name="onDashboard">Called with the dashboard's address once it listens.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>The summary.</returns>
    public static async Task<PipelineSummary> RunAsync(RegimesDemoOptions options, IAnsiConsole console, Action<Uri>? onDashboard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        RegimeClassifier classifier;
        NgsiFlow.Inference.OnnxModel kmeans;
        string modelPath;
        try
        {
            modelPath = DemoPaths.Resolve(options.ModelPath, "models/regimes-mlp.onnx", "model", "--model");
            classifier = RegimeClassifier.Load(modelPath);
            kmeans = NgsiFlow.Inference.OnnxModel.Load(DemoPaths.Resolve(null, "models/regimes-kmeans.onnx", "k-means model", "--model"));
        }
        catch (Exception ex) when (ex is DemoException or NgsiFlow.Inference.ModelLoadException or ArgumentException or IOException)
        {
            throw new PipelineDemoException(ex.Message, ex);
        }

        console.MarkupLine($"[bold]NgsiFlow demo[/]: machine regimes, {options.Machines} machine(s) × {options.Readings:N0} readings, model {Markup.Escape(Path.GetFileName(modelPath))}");
        var machines = Enumerable.Range(1, options.Machines).Select(i => "machine-" + i.ToString("D2", CultureInfo.InvariantCulture)).ToArray();
        await using var feed = options.NoDashboard ? null : new DashboardFeed(new DashboardFeedOptions { JobName = "machine regimes", MaxPointsPerPanel = 2000 });
        await using var server = feed is null ? null : await PipelineDemoHost.StartAsync(feed, options.DashboardPort, cancellationToken).ConfigureAwait(false);
        var panels = feed is null ? null : new RegimesDashboard(feed, machines[0]);
        if (server is not null)
        {
            console.MarkupLine($"  dashboard  [link]{Markup.Escape(server.BaseAddress.ToString())}[/] (open it in a browser)");
            onDashboard?.Invoke(server.BaseAddress);
        }

        InfluxDbSinkOptions? influx = null;
        if (options.Influx is { } influxUri)
        {
            await CheckInfluxAsync(influxUri, cancellationToken).ConfigureAwait(false);
            influx = new InfluxDbSinkOptions { ServerUri = influxUri, Database = options.InfluxDatabase, CreateDatabase = true, Precision = InfluxPrecision.Milliseconds, Name = "influxdb" };
            console.MarkupLine($"  influxdb   {Markup.Escape(influxUri.ToString())} database [blue]{Markup.Escape(options.InfluxDatabase)}[/], measurement [blue]machine[/]");
        }
        else
        {
            console.MarkupLine("  influxdb   skipped: no --influx URL given (predictions go to the results topic and the dashboard only)");
        }

        if (options.RabbitMq is { } rabbit)
        {
            await PipelineDemoHost.CheckRabbitMqAsync(rabbit, cancellationToken).ConfigureAwait(false);
            await PurgeAsync(rabbit, cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"  transport  RabbitMQ {Markup.Escape(PipelineDemoHost.Redact(rabbit))}: readings on queue {ReadingsQueue}, predictions on queue {ResultsQueue}");
        }
        else
        {
            console.MarkupLine("  transport  in process: readings and predictions in memory");
        }

        await using var pipeline = options.RabbitMq is { } r
            ? RegimesPipeline.OnRabbitMq(r, ReadingsQueue, ResultsQueue, classifier, influx)
            : RegimesPipeline.InProcess(classifier, influx);
        await using var publisher = options.RabbitMq is { } pr
            ? new RabbitMqSink<MachineReading>(new RabbitMqSinkOptions { Uri = pr, Exchange = string.Empty, RoutingKey = ReadingsQueue, Name = ReadingsQueue + " producer" }, m => new RabbitMqMessage(RegimesPipeline.ReadingToJson(m)))
            : null;

        var totals = new Totals(kmeans);
        feed?.SetJobState(DashboardJobState.Running);
        pipeline.Job.Start();
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumer = options.RabbitMq is { } cr
            ? ConsumeRabbitMqAsync(cr, totals, panels, stopReading.Token, cancellationToken)
            : ConsumeInProcessAsync(pipeline, totals, panels, cancellationToken);

        var clock = Stopwatch.StartNew();
        var start = DateTimeOffset.UtcNow;
        var sent = await ProduceAsync(options, machines, start, pipeline, publisher, totals, cancellationToken).ConfigureAwait(false);
        if (options.RabbitMq is not null)
        {
            var deadline = Stopwatch.StartNew();
            while (Interlocked.Read(ref totals.Predictions) < sent && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        await pipeline.Job.StopAsync(cancellationToken).ConfigureAwait(false);
        await stopReading.CancelAsync().ConfigureAwait(false);
        await consumer.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        panels?.Finish();
        feed?.SetJobState(DashboardJobState.Finished);

        long? stored = influx is null ? null : await CountInfluxPointsAsync(options.Influx!, options.InfluxDatabase, start, cancellationToken).ConfigureAwait(false);
        var summary = new PipelineSummary("regimes")
            .Add("transport", "transport", options.RabbitMq is null ? "in process" : "RabbitMQ")
            .Add("machines", "machines", options.Machines)
            .Add("readings", "readings sent", sent)
            .Add("predictions", "predictions on the results topic", totals.Predictions)
            .Add("lost", "readings without a prediction", sent - totals.Predictions)
            .Add("regime_changes", "regime changes generated", totals.Changes)
            .Add("agreement_kmeans_percent", "MLP agreement with the k-means regimes", totals.Predictions == 0 ? double.NaN : 100.0 * totals.Agreeing / totals.Predictions, "%")
            .Add("agreement_generator_percent", "MLP agreement with the generator's regime", totals.Predictions == 0 ? double.NaN : 100.0 * totals.MatchingGenerator / totals.Predictions, "%")
            .Add("idle", "predicted idle", totals.PerRegime[0])
            .Add("working", "predicted working", totals.PerRegime[1])
            .Add("overload", "predicted overload", totals.PerRegime[2])
            .Add("influx_points", "points read back from InfluxDB", stored is null ? "skipped (no --influx)" : stored.Value)
            .Add("elapsed_seconds", "first reading → last prediction", elapsed.TotalSeconds, "s")
            .Add("predictions_per_second", "predictions per second", totals.Predictions / elapsed.TotalSeconds, "1/s")
            .Add("dashboard_url", "dashboard", server?.BaseAddress.ToString());
        await PipelineDemoHost.FinishAsync(summary, "Machine regimes", options, server is not null, console, cancellationToken).ConfigureAwait(false);
        return summary;
    }

    private static async Task<long> ProduceAsync(RegimesDemoOptions options, string[] machines, DateTimeOffset start, RegimesPipeline pipeline, RabbitMqSink<MachineReading>? publisher, Totals totals, CancellationToken cancellationToken)
    {
        var generators = machines.Select((_, i) => new TemperatureGenerator(options.Seed + i)).ToArray();

        // Event time advances by the reading interval (1 ms when as fast as possible), so every reading has its own instant.
        var step = options.Rate > 0 ? TimeSpan.FromSeconds(machines.Length / options.Rate) : TimeSpan.FromMilliseconds(1);
        var clock = Stopwatch.StartNew();
        var batch = new List<MachineReading>(256);
        long sent = 0;
        for (var i = 0; i < options.Readings; i++)
        {
            for (var m = 0; m < machines.Length; m++)
            {
                var temperature = generators[m].Next();
                batch.Add(new MachineReading(machines[m], start + (step * i), temperature, generators[m].Regime));
            }

            var due = options.Rate > 0 ? clock.Elapsed.TotalSeconds * options.Rate : double.MaxValue;
            if (batch.Count >= 256 || sent + batch.Count > due || i == options.Readings - 1)
            {
                if (publisher is not null)
                {
                    await publisher.WriteAsync(batch.ToArray(), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    foreach (var reading in batch)
                    {
                        await pipeline.Readings!.WriteAsync(reading, cancellationToken).ConfigureAwait(false);
                    }
                }

                sent += batch.Count;
                batch.Clear();
                while (options.Rate > 0 && sent > clock.Elapsed.TotalSeconds * options.Rate)
                {
                    await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        totals.Changes = generators.Sum(g => (long)g.Changes);
        return sent;
    }

    private static async Task ConsumeInProcessAsync(RegimesPipeline pipeline, Totals totals, RegimesDashboard? panels, CancellationToken cancellationToken)
    {
        await foreach (var p in pipeline.Results!.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var regime = totals.Add(p);
            panels?.Show(p, regime);
        }
    }

    private static async Task ConsumeRabbitMqAsync(Uri uri, Totals totals, RegimesDashboard? panels, CancellationToken stop, CancellationToken cancellationToken)
    {
        await using var source = new RabbitMqQueueSource<RegimePrediction>(
            new RabbitMqQueueSourceOptions { Uri = uri, Queue = ResultsQueue, DeclareQueue = true, Prefetch = 500, Name = ResultsQueue + " reader" },
            d => RegimesPipeline.PredictionFromJson(d.Body.Span));
        try
        {
            await foreach (var item in source.ReadAsync(stop).ConfigureAwait(false))
            {
                var regime = totals.Add(item.Value);
                panels?.Show(item.Value, regime);
                await source.AcknowledgeAsync(item.Position, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stopped after the last prediction.
        }
    }

    private static async Task PurgeAsync(Uri uri, CancellationToken cancellationToken)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = uri };
        await using var connection = await factory.CreateConnectionAsync("ngsiflow regimes demo", cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var queue in new[] { ReadingsQueue, ResultsQueue })
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueuePurgeAsync(queue, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CheckInfluxAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(uri, "ping"), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new PipelineDemoException($"InfluxDB at {uri} answered {(int)response.StatusCode} to /ping; is it an InfluxDB 1.x server?");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new PipelineDemoException($"InfluxDB at {uri} is unreachable ({ex.Message}). Start it, fix --influx, or leave --influx out to skip InfluxDB.", ex);
        }
    }

    /// <summary>Counts the temperature points written since <paramref name="since"/> (reads them back through InfluxQL).</summary>
    /// <param name="uri">The server.</param>
    /// <param name="database">The database.</param>
    /// <param name="since">The first reading's time.</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>The count.</returns>
    internal static async Task<long> CountInfluxPointsAsync(Uri uri, string database, DateTimeOffset since, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var query = $"SELECT count(temperature) FROM machine WHERE time >= {since.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}ms";
        var url = new Uri(uri, $"query?db={Uri.EscapeDataString(database)}&q={Uri.EscapeDataString(query)}");
        using var document = JsonDocument.Parse(await http.GetStringAsync(url, cancellationToken).ConfigureAwait(false));
        var result = document.RootElement.GetProperty("results")[0];
        return result.TryGetProperty("series", out var series) ? series[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    private sealed class Totals(NgsiFlow.Inference.OnnxModel kmeans)
    {
        public long Predictions;
        public long Agreeing;
        public long MatchingGenerator;
        public long Changes;
        public readonly long[] PerRegime = new long[3];

        /// <summary>Counts a prediction; returns the k-means regime of its features (the labels the MLP was trained on).</summary>
        public int Add(RegimePrediction p)
        {
            var regime = (int)kmeans.Predict([p.Reading.Temperature, p.TemperatureChange, p.TemperatureMean10]).GetNumbers("regime")[0];
            PerRegime[p.RegimeIndex]++;
            if (p.RegimeIndex == regime)
            {
                Agreeing++;
            }

            if (p.RegimeIndex == p.Reading.TrueRegime)
            {
                MatchingGenerator++;
            }

            Interlocked.Increment(ref Predictions);
            return regime;
        }
    }
}
