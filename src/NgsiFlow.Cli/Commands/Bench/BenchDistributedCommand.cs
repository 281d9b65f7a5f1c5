using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NgsiFlow.Broker;
using NgsiFlow.Cli.Commands.Bench.Servers;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;
using NgsiFlow.RabbitMq;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench distributed</c>: end-to-end updates/s and latency percentiles, from the notification posted to
/// the receiver to the result written back to the (embedded) context broker, through RabbitMQ with 1, 2 and 3 workers,
/// next to the same job in-process (receiver → job input → write-back) measured in the same run. Without
/// <c>--rabbitmq</c> it starts a throwaway RabbitMQ node and stops it by PID. Last output line: one JSON object.
/// </summary>
internal static class BenchDistributedCommand
{
    private const string JobName = "bench-sum";

    public static Command Create()
    {
        var rabbitMq = new Option<string?>("--rabbitmq") { Description = "AMQP URI of RabbitMQ; default: start a throwaway local node." };
        var updates = new Option<int>("--updates") { Description = "Updates per measurement.", DefaultValueFactory = _ => 20_000 };
        var entities = new Option<int>("--entities") { Description = "Entities the updates are spread over.", DefaultValueFactory = _ => 200 };
        var partitions = new Option<int>("--partitions") { Description = "Partition queues.", DefaultValueFactory = _ => 8 };
        var senders = new Option<int>("--senders") { Description = "Concurrent notification senders (each owns some entities and sends their updates in order).", DefaultValueFactory = _ => 32 };
        var command = new Command("distributed", "End-to-end updates/s and p99 through RabbitMQ with 1, 2 and 3 workers, next to the in-process figure.");
        command.Options.Add(rabbitMq);
        command.Options.Add(updates);
        command.Options.Add(entities);
        command.Options.Add(partitions);
        command.Options.Add(senders);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var settings = new Settings(parseResult.GetValue(updates), parseResult.GetValue(entities), parseResult.GetValue(partitions), parseResult.GetValue(senders));
            if (settings.Updates < 100 || settings.Entities < 1 || settings.Entities > settings.Updates || settings.Partitions is < 1 or > 1024 || settings.Senders is < 1 or > 1024)
            {
                await error.WriteLineAsync("--updates must be at least 100, --entities 1..updates, --partitions 1..1024, --senders 1..1024.").ConfigureAwait(false);
                return 2;
            }

            RabbitMqServer? node = null;
            Uri uri;
            if (parseResult.GetValue(rabbitMq) is { } text)
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out uri!))
                {
                    await error.WriteLineAsync($"--rabbitmq must be an absolute amqp:// URI (was '{text}').").ConfigureAwait(false);
                    return 2;
                }
            }
            else
            {
                await output.WriteLineAsync("Starting a throwaway RabbitMQ node...").ConfigureAwait(false);
                try
                {
                    node = await RabbitMqServer.StartAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    await error.WriteLineAsync($"{e.Message} Or pass --rabbitmq with the URI of a running RabbitMQ.").ConfigureAwait(false);
                    return 3;
                }

                uri = node.Uri;
            }

            try
            {
                return await RunAsync(uri, settings, output, ct).ConfigureAwait(false);
            }
            catch (RabbitMqUnreachableException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 3;
            }
            finally
            {
                if (node is not null)
                {
                    await node.DisposeAsync().ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    private sealed record Settings(int Updates, int Entities, int Partitions, int Senders);

    private sealed record Figure(string Mode, int Workers, double UpdatesPerSecond, double P50Ms, double P99Ms, long Redelivered);

    private static async Task<int> RunAsync(Uri uri, Settings settings, TextWriter output, CancellationToken ct)
    {
        await output.WriteLineAsync($"{settings.Updates:N0} updates over {settings.Entities} entities, {settings.Senders} senders, {settings.Partitions} partitions; RabbitMQ {new UriBuilder(uri) { Password = "***" }.Uri}").ConfigureAwait(false);
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, ct).ConfigureAwait(false);
        using var brokerConnection = BrokerConnection.V2(broker.BaseAddress);
        await CreateEntitiesAsync(broker.BaseAddress, settings.Entities, ct).ConfigureAwait(false);
        var figures = new List<Figure>();

        // Warm-up (JIT, connections), not reported.
        await MeasureInProcessAsync(brokerConnection, settings with { Updates = Math.Min(2_000, settings.Updates) }, ct).ConfigureAwait(false);
        var inProcess = await MeasureInProcessAsync(brokerConnection, settings, ct).ConfigureAwait(false);
        figures.Add(inProcess);
        await Print(output, inProcess).ConfigureAwait(false);
        for (var workers = 1; workers <= 3; workers++)
        {
            var figure = await MeasureDistributedAsync(uri, brokerConnection, settings, workers, ct).ConfigureAwait(false);
            figures.Add(figure);
            await Print(output, figure).ConfigureAwait(false);
        }

        var rabbit = figures.Where(f => f.Mode == "rabbitmq").ToList();
        await output.WriteLineAsync($"ratio to in-process (updates/s): {string.Join(", ", rabbit.Select(f => $"{f.Workers} worker(s) {f.UpdatesPerSecond / inProcess.UpdatesPerSecond:0.00}"))}; machine: {Environment.ProcessorCount} cores").ConfigureAwait(false);
        await output.WriteLineAsync(JsonSerializer.Serialize(new
        {
            bench = "distributed",
            updates = settings.Updates,
            entities = settings.Entities,
            partitions = settings.Partitions,
            senders = settings.Senders,
            cores = Environment.ProcessorCount,
            inProcess = new { updatesPerSecond = Math.Round(inProcess.UpdatesPerSecond), p50Ms = Math.Round(inProcess.P50Ms, 2), p99Ms = Math.Round(inProcess.P99Ms, 2) },
            rabbitmq = rabbit.Select(f => new
            {
                workers = f.Workers,
                updatesPerSecond = Math.Round(f.UpdatesPerSecond),
                p50Ms = Math.Round(f.P50Ms, 2),
                p99Ms = Math.Round(f.P99Ms, 2),
                ratioToInProcess = Math.Round(f.UpdatesPerSecond / inProcess.UpdatesPerSecond, 3),
            }),
        })).ConfigureAwait(false);
        return 0;
    }

    private static Task Print(TextWriter output, Figure f) => output.WriteLineAsync(
        $"{(f.Mode == "in-process" ? "in-process        " : $"rabbitmq, {f.Workers} worker(s)")}: {f.UpdatesPerSecond,10:N0} updates/s   p50 {f.P50Ms,8:0.00} ms   p99 {f.P99Ms,8:0.00} ms");

    /// <summary>The measured job: a per-entity running sum written back to the broker, then the latency recorded.</summary>
    private static DistributedJob Job(Recorder recorder) => new(JobName, (input, context) => input
        .KeyBy(e => e.EntityId)
        .Process<string, NgsiEvent, double, (NgsiEvent Event, double Sum)>(_ => 0, static (string _, ref double sum, NgsiEvent e, Emitter<(NgsiEvent, double)> output) =>
        {
            sum += e.Entity.TryGetNumber("value", out var v) ? v : 0;
            output.Emit((e, sum));
        }, name: "sum")
        .KeyBy(r => r.Event.EntityId)
        .ForEachAsync(
            async (r, ct) =>
            {
                await context.Replier.AppendAttributesAsync(r.Event, [new NgsiV2Attribute("sum", NgsiValue.FromNumber(r.Sum), "Number")], ct).ConfigureAwait(false);
                recorder.Done(r.Event);
            },
            parallelism: 8,
            name: "write-back"))
    {
        IdempotencyKey = e => e.EntityId + "#" + (e.Entity.TryGetNumber("seq", out var s) ? s : 0).ToString(CultureInfo.InvariantCulture),
    };

    private static async Task<Figure> MeasureInProcessAsync(BrokerConnection broker, Settings settings, CancellationToken ct)
    {
        var recorder = new Recorder(settings.Updates);
        await using var replier = new NgsiReplier(broker);
        var input = Job(recorder).Definition(new WorkerContext(replier)).Create();
        input.Job.Start();
        await using var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 0 }, ct).ConfigureAwait(false);
        receiver.AddJob(JobName, new StreamInputTarget(input));
        var elapsed = await LoadAsync(receiver.BaseAddress, settings, recorder, ct).ConfigureAwait(false);
        await input.Job.StopAsync(ct).ConfigureAwait(false);
        return recorder.Figure("in-process", 0, elapsed, 0);
    }

    private static async Task<Figure> MeasureDistributedAsync(Uri uri, BrokerConnection broker, Settings settings, int workerCount, CancellationToken ct)
    {
        var recorder = new RabbitRecorder(settings.Updates);
        var options = new RabbitMqOptions { Uri = uri, Partitions = settings.Partitions, Prefix = "bench" + Guid.NewGuid().ToString("N")[..8] };
        var job = Job(recorder);
        var repliers = new List<NgsiReplier>();
        var workers = new List<RabbitMqWorker>();
        try
        {
            for (var i = 0; i < workerCount; i++)
            {
                var replier = new NgsiReplier(broker);
                repliers.Add(replier);
                workers.Add(await RabbitMqWorker.StartAsync(options, job, new WorkerContext(replier), ct).ConfigureAwait(false));
            }

            await using var receiver = await RabbitMqReceiver.StartAsync(options, job, new ReceiverOptions { Port = 0 }, null, ct).ConfigureAwait(false);

            // Let the workers settle who owns which partition before measuring: a short unmeasured burst.
            var warm = new Recorder(settings.Partitions * 50);
            recorder.Forward = warm;
            await LoadAsync(receiver.Receiver.BaseAddress, settings with { Updates = settings.Partitions * 50 }, warm, ct, seqOffset: 1_000_000).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(2.5), ct).ConfigureAwait(false);
            recorder.Forward = null;
            var elapsed = await LoadAsync(receiver.Receiver.BaseAddress, settings, recorder, ct).ConfigureAwait(false);
            var redelivered = workers.Sum(w => w.GetStatistics().Redelivered);
            return recorder.Figure("rabbitmq", workerCount, elapsed, redelivered);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var replier in repliers)
            {
                await replier.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Posts the updates (entity i's updates in order, by the sender owning it) and waits until all are written back.</summary>
    private static async Task<TimeSpan> LoadAsync(Uri receiver, Settings settings, Recorder recorder, CancellationToken ct, int seqOffset = 0)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Senders, UseProxy = false };
        using var http = new HttpClient(handler) { BaseAddress = receiver, Timeout = TimeSpan.FromSeconds(30) };
        var perEntity = settings.Updates / settings.Entities;
        var extra = settings.Updates % settings.Entities;
        var clock = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, settings.Senders).Select(s => Task.Run(
            async () =>
            {
                for (var round = 0; round < perEntity + 1; round++)
                {
                    for (var entity = s; entity < settings.Entities; entity += settings.Senders)
                    {
                        if (round == perEntity && entity >= extra)
                        {
                            continue;
                        }

                        var seq = seqOffset + round + 1;
                        var body = $"{{\"subscriptionId\":\"bench\",\"data\":[{{\"id\":\"B{entity:D5}\",\"type\":\"Bench\",\"value\":{{\"type\":\"Number\",\"value\":{seq}}},\"seq\":{{\"type\":\"Number\",\"value\":{seq}}},\"sentAt\":{{\"type\":\"Number\",\"value\":{Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)}}}}}]}}";
                        while (true)
                        {
                            using var content = new StringContent(body, Encoding.UTF8, "application/json");
                            using var response = await http.PostAsync($"notify/{JobName}", content, ct).ConfigureAwait(false);
                            if (response.IsSuccessStatusCode)
                            {
                                break;
                            }

                            await Task.Delay(10, ct).ConfigureAwait(false);
                        }
                    }
                }
            },
            ct)).ToList();
        await Task.WhenAll(senders).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        await recorder.Completion.WaitAsync(timeout.Token).ConfigureAwait(false);
        return clock.Elapsed;
    }

    private static async Task CreateEntitiesAsync(Uri broker, int count, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = broker };
        for (var from = 0; from < count; from += 500)
        {
            var entities = Enumerable.Range(from, Math.Min(500, count - from)).Select(i => new Dictionary<string, object>
            {
                ["id"] = $"B{i:D5}",
                ["type"] = "Bench",
                ["value"] = new { type = "Number", value = 0 },
            });
            using var response = await http.PostAsJsonAsync("v2/op/update", new { actionType = "append", entities }, ct).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Collects the latency of every written-back update (from the sender's timestamp in the entity).</summary>
    private class Recorder(int expected)
    {
        private readonly double[] _latencies = new double[expected];
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task Completion => _completion.Task;

        public virtual void Done(NgsiEvent e)
        {
            var sentAt = e.Entity.TryGetNumber("sentAt", out var t) ? (long)t : Stopwatch.GetTimestamp();
            var i = Interlocked.Increment(ref _count) - 1;
            if (i < _latencies.Length)
            {
                _latencies[i] = Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds;
            }

            if (i == _latencies.Length - 1)
            {
                _completion.TrySetResult();
            }
        }

        public Figure Figure(string mode, int workers, TimeSpan elapsed, long redelivered)
        {
            var sorted = _latencies.Order().ToArray();
            return new Figure(mode, workers, sorted.Length / elapsed.TotalSeconds, sorted[(int)(sorted.Length * 0.5)], sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))], redelivered);
        }
    }

    private sealed class RabbitRecorder(int expected) : Recorder(expected)
    {
        private Recorder? _forward;

        public Recorder? Forward
        {
            get => Volatile.Read(ref _forward);
            set => Volatile.Write(ref _forward, value);
        }

        public override void Done(NgsiEvent e)
        {
            if (Forward is { } warm)
            {
                warm.Done(e);
                return;
            }

            base.Done(e);
        }
    }
}
