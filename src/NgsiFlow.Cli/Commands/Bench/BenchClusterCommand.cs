using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using NgsiFlow.Broker;
using NgsiFlow.Cli.Commands.Bench.Cluster;
using NgsiFlow.Cli.Jobs;
using NgsiFlow.Connector;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench cluster</c>: the running-sum job end to end (notification posted → state stored → result written
/// back to the embedded broker) on 1, 2 and 3 cluster nodes behind nginx with a throwaway Redis, next to the same job
/// in one process, in the same run; then the failover stall when the busiest of three nodes is SIGKILLed mid-stream.
/// updates/s counts until the last write-back is visible in the broker; p99 is the notification's answer time. Last
/// output line: one JSON object.
/// </summary>
internal static class BenchClusterCommand
{
    private const string Job = "running-sum";

    public static Command Create()
    {
        var entities = new Option<int>("--entities") { Description = "Entities the updates are spread over.", DefaultValueFactory = _ => 200 };
        var updates = new Option<int>("--updates") { Description = "Updates per entity (sent in order, one at a time per entity).", DefaultValueFactory = _ => 50 };
        var senders = new Option<int>("--senders") { Description = "Concurrent notification senders.", DefaultValueFactory = _ => 64 };
        var maxNodes = new Option<int>("--max-nodes") { Description = "Measure 1..N nodes.", DefaultValueFactory = _ => 3 };
        var noFailover = new Option<bool>("--no-failover") { Description = "Skip the failover measurement." };
        var command = new Command("cluster", "End-to-end updates/s and p99 of a job on 1, 2 and 3 cluster nodes (Orleans, Redis, nginx) next to the in-process figure, and the failover stall.")
        {
            entities, updates, senders, maxNodes, noFailover,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var s = new Settings(parseResult.GetValue(entities), parseResult.GetValue(updates), parseResult.GetValue(senders), parseResult.GetValue(maxNodes));
            if (s.Entities is < 1 or > 100_000 || s.Updates is < 1 or > 100_000 || s.Senders is < 1 or > 1024 || s.MaxNodes is < 1 or > 8)
            {
                await error.WriteLineAsync("--entities and --updates must be 1..100000, --senders 1..1024, --max-nodes 1..8.").ConfigureAwait(false);
                return 2;
            }

            var cli = Path.Combine(AppContext.BaseDirectory, "ngsiflow.dll");
            try
            {
                return await RunAsync(cli, s, parseResult.GetValue(noFailover), output, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 3;
            }
        });
        return command;
    }

    private sealed record Settings(int Entities, int Updates, int Senders, int MaxNodes)
    {
        public int Total => Entities * Updates;
    }

    private sealed record Figure(int Nodes, double UpdatesPerSecond, double P50Ms, double P99Ms, int Lost);

    private static async Task<int> RunAsync(string cli, Settings s, bool skipFailover, TextWriter output, CancellationToken ct)
    {
        await output.WriteLineAsync($"{s.Total:N0} updates ({s.Entities} entities × {s.Updates}), {s.Senders} senders, job {Job}; {Environment.ProcessorCount} cores").ConfigureAwait(false);
        await InProcessAsync(s with { Entities = Math.Min(s.Entities, 50), Updates = Math.Min(s.Updates, 10) }, "W", ct).ConfigureAwait(false);
        var inProcess = await InProcessAsync(s, "S", ct).ConfigureAwait(false);
        await Print(output, "in-process", inProcess).ConfigureAwait(false);
        var figures = new List<Figure>();
        for (var n = 1; n <= s.MaxNodes; n++)
        {
            await using var rig = await ClusterRig.StartAsync(cli, Job, n, null, ["--no-subscribe"], ct).ConfigureAwait(false);
            var (figure, _) = await ClusterAsync(rig, s, kill: false, ct).ConfigureAwait(false);
            figures.Add(figure);
            await Print(output, $"{n} node(s)", figure).ConfigureAwait(false);
        }

        double? stall = null;
        if (!skipFailover)
        {
            var nodes = Math.Max(2, Math.Min(3, s.MaxNodes));
            await using var rig = await ClusterRig.StartAsync(cli, Job, nodes, null, ["--no-subscribe"], ct).ConfigureAwait(false);
            var (figure, longest) = await ClusterAsync(rig, s, kill: true, ct).ConfigureAwait(false);
            stall = longest.TotalSeconds;
            await output.WriteLineAsync($"failover: busiest of {nodes} nodes SIGKILLed at 40 %: longest time an entity waited for its next 2xx {stall:0.00} s; lost {figure.Lost}").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"ratio to in-process (updates/s): {string.Join(", ", figures.Select(f => $"{f.Nodes} node(s) {f.UpdatesPerSecond / inProcess.UpdatesPerSecond:0.00}"))}").ConfigureAwait(false);
        await output.WriteLineAsync(JsonSerializer.Serialize(new
        {
            bench = "cluster",
            entities = s.Entities,
            updatesPerEntity = s.Updates,
            senders = s.Senders,
            cores = Environment.ProcessorCount,
            inProcess = new { updatesPerSecond = Math.Round(inProcess.UpdatesPerSecond), p50Ms = Math.Round(inProcess.P50Ms, 2), p99Ms = Math.Round(inProcess.P99Ms, 2), lost = inProcess.Lost },
            nodes = figures.Select(f => new
            {
                count = f.Nodes,
                updatesPerSecond = Math.Round(f.UpdatesPerSecond),
                p50Ms = Math.Round(f.P50Ms, 2),
                p99Ms = Math.Round(f.P99Ms, 2),
                lost = f.Lost,
                ratioToInProcess = Math.Round(f.UpdatesPerSecond / inProcess.UpdatesPerSecond, 3),
            }),
            failoverStallSeconds = stall is { } v ? Math.Round(v, 2) : (double?)null,
        })).ConfigureAwait(false);
        return figures.All(f => f.Lost == 0) && inProcess.Lost == 0 ? 0 : 1;
    }

    private static Task Print(TextWriter output, string what, Figure f) => output.WriteLineAsync(
        $"{what,-12}: {f.UpdatesPerSecond,8:N0} updates/s   p50 {f.P50Ms,7:0.00} ms   p99 {f.P99Ms,7:0.00} ms   lost {f.Lost}");

    private static async Task<Figure> InProcessAsync(Settings s, string prefix, CancellationToken ct)
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, ct).ConfigureAwait(false);
        using var http = new HttpClient();
        await ClusterRig.CreateEntitiesAsync(http, broker.BaseAddress, s.Entities, "Sensor", prefix, ct).ConfigureAwait(false);
        using var connection = BrokerConnection.V2(broker.BaseAddress);
        await using var replier = new NgsiReplier(connection);
        var input = ClusterDemoJobs.RunningSum.InProcess(replier, parallelism: 8).Create();
        input.Job.Start();
        await using var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 0 }, ct).ConfigureAwait(false);
        receiver.AddJob(Job, new StreamInputTarget(input));
        var load = new NotificationLoad(new Uri(receiver.BaseAddress, "notify/" + Job), s.Entities, s.Updates, s.Senders, idPrefix: prefix);
        var clock = Stopwatch.StartNew();
        await load.RunAsync(TimeSpan.FromMinutes(10), ct).ConfigureAwait(false);
        var lost = await WaitWrittenAsync(http, broker.BaseAddress, s, prefix, ct).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        input.Complete();
        await input.Job.Completion.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        return new Figure(0, s.Total / elapsed.TotalSeconds, load.Percentile(0.5), load.Percentile(0.99), lost);
    }

    private static async Task<(Figure Figure, TimeSpan LongestStall)> ClusterAsync(ClusterRig rig, Settings s, bool kill, CancellationToken ct)
    {
        await rig.CreateEntitiesAsync(s.Entities, "Sensor", ct).ConfigureAwait(false);

        // Warm-up (JIT, connections, first activations), not measured.
        await ClusterRig.CreateEntitiesAsync(rig.Http, rig.Broker.BaseAddress, Math.Min(s.Entities, 50), "Sensor", "W", ct).ConfigureAwait(false);
        await new NotificationLoad(rig.NotifyUrl, Math.Min(s.Entities, 50), Math.Min(s.Updates, 10), s.Senders, idPrefix: "W").RunAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);

        var load = new NotificationLoad(rig.NotifyUrl, s.Entities, s.Updates, s.Senders);
        var clock = Stopwatch.StartNew();
        var run = load.RunAsync(TimeSpan.FromMinutes(10), ct);
        if (kill)
        {
            while (load.Acknowledged < s.Total * 2 / 5 && !run.IsCompleted)
            {
                await Task.Delay(20, ct).ConfigureAwait(false);
            }

            var stats = await rig.StatisticsAsync(ct).ConfigureAwait(false);
            stats.MaxBy(x => x.Statistics.Applied).Node.Signal("KILL");
        }

        await run.ConfigureAwait(false);
        var lost = await WaitWrittenAsync(rig.Http, rig.Broker.BaseAddress, s, "S", ct).ConfigureAwait(false);
        return (new Figure(rig.Nodes.Count, s.Total / clock.Elapsed.TotalSeconds, load.Percentile(0.5), load.Percentile(0.99), lost), load.LongestStall());
    }

    /// <summary>Waits until every entity's sumCount shows all its updates (at most 60 s); returns the updates missing.</summary>
    private static async Task<int> WaitWrittenAsync(HttpClient http, Uri broker, Settings s, string prefix, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var missing = 0;
            for (var offset = 0; offset < s.Entities; offset += 1000)
            {
                var page = await http.GetFromJsonAsync<JsonElement[]>(new Uri(broker, $"v2/entities?type=Sensor&idPattern=^{prefix}&attrs=sumCount&options=keyValues&limit=1000&offset={offset}"), ct).ConfigureAwait(false);
                missing += page!.Sum(e => s.Updates - (e.TryGetProperty("sumCount", out var c) && c.ValueKind == JsonValueKind.Number ? (int)c.GetDouble() : 0));
            }

            if (missing == 0 || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                return missing;
            }

            await Task.Delay(25, ct).ConfigureAwait(false);
        }
    }
}
