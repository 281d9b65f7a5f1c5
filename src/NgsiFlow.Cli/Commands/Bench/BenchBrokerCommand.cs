using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NgsiFlow.Broker;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench broker</c>: attribute PATCHes from many keep-alive clients against an in-process broker, with one
/// subscription whose notifications a local receiver counts; reports rate, latency, delivery and lost updates.
/// </summary>
internal static class BenchBrokerCommand
{
    /// <summary>Orion's published NGSI-v2 update rate (admin manual, performance considerations), 4 cores.</summary>
    private const double OrionPublishedUpdatesPerSecond = 500;

    /// <summary>The same source's figure while sending notifications.</summary>
    private const double OrionPublishedWithNotifications = 170;

    public static Command Create()
    {
        var entities = new Option<int>("--entities") { Description = "Entities the updates spread over.", DefaultValueFactory = _ => 1000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent HTTP clients.", DefaultValueFactory = _ => 32 };
        var seconds = new Option<int>("--seconds") { Description = "Measured duration.", DefaultValueFactory = _ => 10 };
        var store = new Option<string>("--store") { Description = "memory or postgres.", DefaultValueFactory = _ => "memory" };
        var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string for --store postgres." };
        var pipeline = new Option<int>("--pipeline-depth") { Description = "Notifications pipelined per connection to the counting receiver, a Kestrel endpoint that answers pipelined requests (the broker's default, for any receiver, is 1: one by one).", DefaultValueFactory = _ => 16 };
        var command = new Command("broker", "Attribute PATCH throughput of the embedded broker with one subscription notifying a local receiver.");
        command.Options.Add(entities);
        command.Options.Add(clients);
        command.Options.Add(seconds);
        command.Options.Add(store);
        command.Options.Add(postgres);
        command.Options.Add(pipeline);
        var geo = new Option<bool>("--geo") { Description = "Instead: near-query latency over --geo-entities located entities, with the broker's geo index and with a linear scan, in the same run." };
        var geoEntities = new Option<int>("--geo-entities") { Description = "Located entities for --geo.", DefaultValueFactory = _ => 100_000 };
        command.Options.Add(geo);
        command.Options.Add(geoEntities);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (parseResult.GetValue(geo))
            {
                if (parseResult.GetValue(geoEntities) is < 1 or > 10_000_000)
                {
                    await error.WriteLineAsync("--geo-entities must be between 1 and 10,000,000.").ConfigureAwait(false);
                    return 2;
                }

                await BrokerGeoBench.RunAsync(parseResult.GetValue(geoEntities), parseResult.GetValue(seconds), output, cancellationToken).ConfigureAwait(false);
                return 0;
            }

            var settings = new Settings(parseResult.GetValue(entities), parseResult.GetValue(clients), parseResult.GetValue(seconds), parseResult.GetValue(store) ?? "memory", parseResult.GetValue(postgres), parseResult.GetValue(pipeline));
            if (settings.Entities < 1 || settings.Clients < 1 || settings.Seconds < 1 || settings.Store is not ("memory" or "postgres"))
            {
                await error.WriteLineAsync("--entities, --clients and --seconds must be positive; --store memory or postgres.").ConfigureAwait(false);
                return 2;
            }

            try
            {
                await RunAsync(settings, output, cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                await error.WriteLineAsync("bench broker failed: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private sealed record Settings(int Entities, int Clients, int Seconds, string Store, string? Postgres, int PipelineDepth);

    private static async Task RunAsync(Settings settings, TextWriter output, CancellationToken cancellationToken)
    {
        await using var receiver = await Receiver.StartAsync(cancellationToken).ConfigureAwait(false);
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions
        {
            Port = 0,
            Store = settings.Store == "postgres" ? BrokerStoreKind.Postgres : BrokerStoreKind.Memory,
            PostgresConnectionString = settings.Postgres,
            NotificationPipelineDepth = settings.PipelineDepth,
        }, cancellationToken).ConfigureAwait(false);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Clients, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), UseProxy = false };
        using var client = new HttpClient(handler) { BaseAddress = broker.BaseAddress };
        var tenant = "bench" + DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        await output.WriteLineAsync($"broker {broker.BaseAddress} ({settings.Store} store), tenant {tenant}, {settings.Entities} entities, {settings.Clients} clients, {settings.Seconds} s, notifications pipelined {settings.PipelineDepth} deep").ConfigureAwait(false);

        for (var start = 0; start < settings.Entities; start += 100)
        {
            var batch = new StringBuilder("{\"actionType\":\"append\",\"entities\":[");
            for (var i = start; i < Math.Min(start + 100, settings.Entities); i++)
            {
                batch.Append(i == start ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"id\":\"Sensor{i}\",\"type\":\"Sensor\",\"counter\":{{\"type\":\"Number\",\"value\":0}}}}");
            }

            batch.Append("]}");
            await SendAsync(client, HttpMethod.Post, "v2/op/update", batch.ToString(), tenant, cancellationToken).ConfigureAwait(false);
        }

        await SendAsync(client, HttpMethod.Post, "v2/subscriptions",
            $"{{\"subject\":{{\"entities\":[{{\"idPattern\":\".*\",\"type\":\"Sensor\"}}],\"condition\":{{\"attrs\":[\"counter\"]}}}},\"notification\":{{\"http\":{{\"url\":\"{receiver.Url}\"}},\"attrsFormat\":\"normalized\"}}}}",
            tenant, cancellationToken).ConfigureAwait(false);

        var lastAcked = new long[settings.Entities];
        var latencies = new List<long>[settings.Clients];
        var failures = 0L;
        var stopAt = Stopwatch.GetTimestamp() + (long)(settings.Seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, settings.Clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<long>(1 << 16);
            var sequence = 0L;
            var owned = Enumerable.Range(0, settings.Entities).Where(e => e % settings.Clients == c).ToArray();
            if (owned.Length == 0)
            {
                return;
            }

            var paths = owned.Select(e => $"v2/entities/Sensor{e}/attrs").ToArray();
            while (Stopwatch.GetTimestamp() < stopAt && !cancellationToken.IsCancellationRequested)
            {
                var slot = (int)(sequence % owned.Length);
                var value = ++sequence;
                using var request = new HttpRequestMessage(HttpMethod.Patch, paths[slot]);
                request.Headers.TryAddWithoutValidation("Fiware-Service", tenant);
                request.Content = new StringContent("{\"counter\":{\"type\":\"Number\",\"value\":" + value.ToString(CultureInfo.InvariantCulture) + "}}", Encoding.UTF8, "application/json");
                var t0 = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var t1 = Stopwatch.GetTimestamp();
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    lastAcked[owned[slot]] = value;
                    mine.Add(t1 - t0);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToArray();
        long updates = all.Length;
        var expected = updates;
        var drainDeadline = DateTime.UtcNow.AddSeconds(60);
        while (Interlocked.Read(ref receiver.Count) < expected && DateTime.UtcNow < drainDeadline)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        var received = Interlocked.Read(ref receiver.Count);
        var drain = Stopwatch.GetElapsedTime(started) - elapsed;
        var lost = await CountLostAsync(client, tenant, lastAcked, cancellationToken).ConfigureAwait(false);
        int? lostAfterRestart = null;
        if (settings.Store == "postgres")
        {
            // Durability: a fresh broker on the same database must show every acknowledged value.
            await using var restarted = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, Store = BrokerStoreKind.Postgres, PostgresConnectionString = settings.Postgres }, cancellationToken).ConfigureAwait(false);
            using var restartedClient = new HttpClient { BaseAddress = restarted.BaseAddress };
            lostAfterRestart = await CountLostAsync(restartedClient, tenant, lastAcked, cancellationToken).ConfigureAwait(false);
        }

        var rate = updates / elapsed.TotalSeconds;
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        var p50 = Percentile(0.50);
        var p99 = Percentile(0.99);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"updates: {updates} in {elapsed.TotalSeconds:F2} s = {rate:F0} updates/s (failed requests: {failures})")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"latency: p50 {p50:F3} ms, p99 {p99:F3} ms")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"notifications: received {received} of {expected} expected, the last {drain.TotalSeconds:F2} s after the last update (broker: sent {broker.NotificationsSent}, failed {broker.NotificationsFailed}, dropped {broker.NotificationsDropped})")).ConfigureAwait(false);
        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken).ConfigureAwait(false)).Split(' ')[0] : "n/a";
        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, load average {load} at the end of the run (client, broker and receiver share this process)").ConfigureAwait(false);
        await output.WriteLineAsync($"lost updates: {lost} (entities whose stored value differs from the last acknowledged PATCH)").ConfigureAwait(false);
        if (lostAfterRestart is { } afterRestart)
        {
            await output.WriteLineAsync($"lost updates after restarting a broker on the same database: {afterRestart}").ConfigureAwait(false);
        }
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"reference: Orion's published figures (admin manual, 4 cores): {OrionPublishedUpdatesPerSecond:F0} updates/s, {OrionPublishedWithNotifications:F0} updates/s with notifications. Ratio to published figure: {rate / OrionPublishedUpdatesPerSecond:F1}x, with notifications: {rate / OrionPublishedWithNotifications:F1}x (published figure, not measured here)")).ConfigureAwait(false);
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bench"] = "broker",
            ["store"] = settings.Store,
            ["entities"] = settings.Entities,
            ["clients"] = settings.Clients,
            ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
            ["updates"] = updates,
            ["updatesPerSecond"] = Math.Round(rate, 1),
            ["p50Ms"] = Math.Round(p50, 3),
            ["p99Ms"] = Math.Round(p99, 3),
            ["notificationsExpected"] = expected,
            ["notificationsReceived"] = received,
            ["notificationDrainSeconds"] = Math.Round(drain.TotalSeconds, 3),
            ["loadAverage"] = load,
            ["lostUpdates"] = lost + (lostAfterRestart ?? 0),
            ["failedRequests"] = failures,
            ["orionPublishedUpdatesPerSecond"] = OrionPublishedUpdatesPerSecond,
            ["ratioToOrionPublished"] = Math.Round(rate / OrionPublishedUpdatesPerSecond, 2),
            ["ratioToOrionPublishedWithNotifications"] = Math.Round(rate / OrionPublishedWithNotifications, 2),
        });
        await output.WriteLineAsync(json).ConfigureAwait(false);
    }

    private static async Task<int> CountLostAsync(HttpClient client, string tenant, long[] lastAcked, CancellationToken cancellationToken)
    {
        var lost = 0;
        for (var e = 0; e < lastAcked.Length; e++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/entities/Sensor{e}/attrs/counter/value");
            request.Headers.TryAddWithoutValidation("Fiware-Service", tenant);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var stored) || stored != lastAcked[e])
            {
                lost++;
            }
        }

        return lost;
    }

    private static async Task SendAsync(HttpClient client, HttpMethod method, string path, string json, string tenant, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Fiware-Service", tenant);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }

    /// <summary>A minimal Kestrel endpoint that counts notifications.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        public long Count;

        private WebApplication? _app;

        public Uri Url { get; private set; } = null!;

        public static async Task<Receiver> StartAsync(CancellationToken cancellationToken)
        {
            var receiver = new Receiver();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.Run(async context =>
            {
                var reader = context.Request.BodyReader;
                while (true)
                {
                    var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                    reader.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted)
                    {
                        break;
                    }
                }

                Interlocked.Increment(ref receiver.Count);
                context.Response.StatusCode = 204;
            });
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            receiver._app = app;
            receiver.Url = new Uri(new Uri(address), "/notify");
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync().ConfigureAwait(false);
                await _app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
