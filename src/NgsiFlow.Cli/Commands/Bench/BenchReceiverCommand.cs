using System.Buffers;
using System.Buffers.Text;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench receiver</c>: keep-alive HTTP/1.1 clients post NGSI-v2 normalized notifications, padded to a
/// body size, into a real receiver on loopback whose job checks every event (sequence number and checksum per
/// entity: loss and corruption are detected); then the same load against a bare Kestrel endpoint that reads the body
/// and answers 204 without parsing, the ceiling. With <c>--transport mqtt</c>, also the same notifications published with
/// QoS 1 on a mosquitto the bench starts, through the MQTT receiver into the same checking job. Last output line: one JSON object.
/// </summary>
internal static partial class BenchReceiverCommand
{
    private const string Job = "bench";

    public static Command Create()
    {
        var clients = new Option<int>("--clients") { Description = "Concurrent keep-alive connections.", DefaultValueFactory = _ => 8 };
        var seconds = new Option<double>("--seconds") { Description = "Measured seconds per server.", DefaultValueFactory = _ => 10 };
        var bodyBytes = new Option<int>("--body-bytes") { Description = "Size of each notification body in bytes (at least 400).", DefaultValueFactory = _ => 1000 };
        var warmup = new Option<double>("--warmup") { Description = "Warm-up seconds per server, not measured.", DefaultValueFactory = _ => 2 };
        var transport = new Option<string>("--transport") { Description = "http, or mqtt to also measure MQTT notifications (through a mosquitto the bench starts) next to HTTP.", DefaultValueFactory = _ => "http" };
        var inline = new Option<bool>("--inline") { Description = "Handle requests on Kestrel's socket threads (ReceiverOptions.InlineScheduling), for both servers.", DefaultValueFactory = _ => true };
        var command = new Command("receiver", "Notifications/s through the receiver into a checking job, against a bare Kestrel endpoint.");
        command.Options.Add(clients);
        command.Options.Add(seconds);
        command.Options.Add(bodyBytes);
        command.Options.Add(warmup);
        command.Options.Add(inline);
        command.Options.Add(transport);
        command.SetAction(async (parseResult, ct) =>
        {
            var c = parseResult.GetValue(clients);
            var s = parseResult.GetValue(seconds);
            var b = parseResult.GetValue(bodyBytes);
            var w = parseResult.GetValue(warmup);
            var output = parseResult.InvocationConfiguration.Output;
            var t = parseResult.GetValue(transport) ?? "http";
            if (t is not ("http" or "mqtt"))
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"--transport must be http or mqtt (was '{t}').");
                return 2;
            }

            if (t == "mqtt" && !Servers.MosquittoServer.IsInstalled)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"--transport mqtt starts a mosquitto, and {Servers.MosquittoServer.ServerBinary} is missing: install the Debian package mosquitto (apt-get install mosquitto).");
                return 1;
            }

            if (c is < 1 or > 1024 || s is <= 0 or > 3600 || b is < 400 or > 64 * 1024 * 1024 || w is < 0 or > 600)
            {
                parseResult.InvocationConfiguration.Error.WriteLine("--clients must be 1..1024, --seconds 0..3600, --body-bytes 400..67108864, --warmup 0..600.");
                return 2;
            }

            await RunAsync(c, TimeSpan.FromSeconds(s), b, TimeSpan.FromSeconds(w), parseResult.GetValue(inline), t == "mqtt", output, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task RunAsync(int clients, TimeSpan duration, int bodyBytes, TimeSpan warmup, bool inline, bool mqtt, TextWriter output, CancellationToken ct)
    {
        output.WriteLine($"bench receiver: {clients} clients, {duration.TotalSeconds:0.#} s, {bodyBytes} byte bodies, inline scheduling {(inline ? "on" : "off")}, .NET {Environment.Version}, {Environment.ProcessorCount} cores");
        var templates = Enumerable.Range(0, clients).Select(i => new RequestTemplate(i, bodyBytes)).ToArray();

        // The ceiling: Kestrel reading each body and answering 204, nothing else.
        LoadResult bare;
        await using (var ceiling = await StartBareAsync(inline, ct).ConfigureAwait(false))
        {
            var port = new Uri(ceiling.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
            await RunLoadAsync(port, "/notify/bench", templates, warmup, ct).ConfigureAwait(false);
            bare = await RunLoadAsync(port, "/notify/bench", templates, duration, ct).ConfigureAwait(false);
        }

        output.WriteLine($"bare Kestrel: {bare.PerSecond,12:N0} requests/s   p50 {bare.P50Ms:0.000} ms   p99 {bare.P99Ms:0.000} ms   ({bare.Completed:N0} answered, {bare.Failed:N0} failed, {bare.CpuMicrosPerRequest:0.0} us CPU each)");

        // The receiver with a job that checks every event.
        var checker = new EventChecker(templates);
        LoadResult measured;
        ReceiverStatistics stats;
        await using (var job = new StreamJob(Job, new StreamJobOptions { InputCapacity = 65_536 }))
        {
            var input = job.Input<NgsiEvent>();
            input.ForEachBatchAsync((batch, _) =>
            {
                checker.Check(batch.Span);
                return default;
            });
            job.Start();
            await using var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 0, InlineScheduling = inline, MaxBodyBytes = Math.Max(ReceiverOptions.DefaultMaxBodyBytes, bodyBytes * 2L) }, ct).ConfigureAwait(false);
            receiver.AddJob(Job, new StreamInputTarget(input));
            await RunLoadAsync(receiver.BaseAddress.Port, "/notify/bench", templates, warmup, ct).ConfigureAwait(false);
            var before = receiver.GetStatistics();
            checker.StartCounting(templates);
            measured = await RunLoadAsync(receiver.BaseAddress.Port, "/notify/bench", templates, duration, ct).ConfigureAwait(false);
            await receiver.StopAsync(ct).ConfigureAwait(false);
            await job.StopAsync(ct).ConfigureAwait(false);
            var after = receiver.GetStatistics();
            stats = after with { Accepted = after.Accepted - before.Accepted, Events = after.Events - before.Events };
        }

        var accepted = measured.Completed;
        var received = checker.Received;
        var lost = checker.Lost(templates);
        var ratio = bare.PerSecond > 0 ? measured.PerSecond / bare.PerSecond : 0;
        output.WriteLine($"receiver:     {measured.PerSecond,12:N0} notifications/s   p50 {measured.P50Ms:0.000} ms   p99 {measured.P99Ms:0.000} ms   ({measured.CpuMicrosPerRequest:0.0} us CPU each)");
        output.WriteLine($"  answered 2xx {accepted:N0}, refused {measured.Failed:N0} (receiver counted {stats.Accepted:N0} accepted, {stats.RejectedTotal:N0} rejected)");
        output.WriteLine($"  received by job {received:N0}, lost {lost:N0}, corrupted {checker.Corrupted:N0}, duplicates {checker.Duplicates:N0}");
        output.WriteLine($"  ratio to bare Kestrel: {ratio:0.00}");
        MqttResult? overMqtt = null;
        if (mqtt)
        {
            overMqtt = await RunMqttAsync(clients, duration, bodyBytes, warmup, ct).ConfigureAwait(false);
            output.WriteLine($"mqtt receiver:{overMqtt.PerSecond,12:N0} notifications/s   (QoS 1 through mosquitto; {overMqtt.Published:N0} published, {overMqtt.Received:N0} received by job, lost {overMqtt.Lost:N0}, corrupted {overMqtt.Corrupted:N0}, duplicates {overMqtt.Duplicates:N0}, rejected {overMqtt.Rejected:N0})");
            output.WriteLine($"  ratio to HTTP receiver: {(measured.PerSecond > 0 ? overMqtt.PerSecond / measured.PerSecond : 0):0.00}");
        }

        var json = JsonSerializer.Serialize(new
        {
            bench = "receiver",
            clients,
            inline,
            seconds = duration.TotalSeconds,
            bodyBytes,
            notificationsPerSecond = Math.Round(measured.PerSecond),
            p50Ms = Math.Round(measured.P50Ms, 3),
            p99Ms = Math.Round(measured.P99Ms, 3),
            accepted,
            refused = measured.Failed,
            receivedByJob = received,
            lost,
            corrupted = checker.Corrupted,
            duplicates = checker.Duplicates,
            bareRequestsPerSecond = Math.Round(bare.PerSecond),
            bareP50Ms = Math.Round(bare.P50Ms, 3),
            bareP99Ms = Math.Round(bare.P99Ms, 3),
            ratio = Math.Round(ratio, 3),
            cpuMicrosPerNotification = Math.Round(measured.CpuMicrosPerRequest, 1),
            bareCpuMicrosPerRequest = Math.Round(bare.CpuMicrosPerRequest, 1),
            cpuRatio = measured.CpuMicrosPerRequest > 0 ? Math.Round(bare.CpuMicrosPerRequest / measured.CpuMicrosPerRequest, 3) : 0,
            mqttNotificationsPerSecond = overMqtt is null ? (double?)null : Math.Round(overMqtt.PerSecond),
            mqttPublished = overMqtt?.Published,
            mqttReceivedByJob = overMqtt?.Received,
            mqttLost = overMqtt?.Lost,
            mqttDuplicates = overMqtt?.Duplicates,
            mqttToHttpRatio = overMqtt is null || measured.PerSecond <= 0 ? (double?)null : Math.Round(overMqtt.PerSecond / measured.PerSecond, 3),
        });
        output.WriteLine(json);
    }

    private static async Task<WebApplication> StartBareAsync(bool inline, CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseSockets(s => s.UnsafePreferInlineScheduling = inline);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MaxRequestBufferSize = null;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(static async context =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        await app.StartAsync(ct).ConfigureAwait(false);
        return app;
    }

    private static async Task<LoadResult> RunLoadAsync(int port, string path, RequestTemplate[] templates, TimeSpan duration, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        stop.CancelAfter(duration);
        // One blocking thread per client: a blocking send and receive cost less CPU than the asynchronous ones, and the
        // CPU the load generator does not use is left to the server under test.
        var results = new ClientResult[templates.Length];
        var threads = templates.Select((t, i) => new Thread(() => results[i] = ClientLoop(port, path, t, stop.Token)) { IsBackground = true, Name = $"bench-client-{i}" }).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        await Task.Run(() => Array.ForEach(threads, t => t.Join()), ct).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds;
        var latencies = results.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(latencies);
        double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
        var completed = results.Sum(r => r.Ok);
        return new LoadResult(completed, results.Sum(r => r.Failed), completed / elapsed, Percentile(0.50), Percentile(0.99), completed == 0 ? 0 : cpu / completed);
    }

    private static ClientResult ClientLoop(int port, string path, RequestTemplate template, CancellationToken stop)
    {
        var result = new ClientResult();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var request = template.BuildRequest(path, port);
        var buffer = new byte[64 * 1024];
        while (!stop.IsCancellationRequested)
        {
            var seq = template.Next();
            template.Stamp(request, seq);
            var sent = Stopwatch.GetTimestamp();
            var offset = 0;
            while (offset < request.Length)
            {
                offset += socket.Send(request.AsSpan(offset), SocketFlags.None);
            }

            var status = ReadResponse(socket, buffer);
            result.Latencies.Add(Stopwatch.GetTimestamp() - sent);
            if (status is >= 200 and < 300)
            {
                result.Ok++;
                template.Accepted(seq);
            }
            else
            {
                result.Failed++;
            }
        }

        socket.Shutdown(SocketShutdown.Both);
        return result;
    }

    /// <summary>Reads one HTTP/1.1 response (status line, headers, Content-Length body); returns the status code.</summary>
    private static int ReadResponse(Socket socket, byte[] buffer)
    {
        var filled = 0;
        while (true)
        {
            var n = socket.Receive(buffer.AsSpan(filled), SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            filled += n;
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                continue;
            }

            var head = buffer.AsSpan(0, end);
            Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _);
            var contentLength = 0;
            var marker = head.IndexOf("\r\nContent-Length: "u8);
            if (marker >= 0)
            {
                Utf8Parser.TryParse(head[(marker + 18)..], out contentLength, out _);
            }

            var have = filled - (end + 4);
            while (have < contentLength)
            {
                var m = socket.Receive(buffer.AsSpan(0, Math.Min(buffer.Length, contentLength - have)), SocketFlags.None);
                if (m == 0)
                {
                    throw new IOException("The server closed the connection.");
                }

                have += m;
            }

            return status;
        }
    }

    // CpuMicrosPerRequest: process CPU time (load generator included) per answered request, a figure that stays
    // meaningful when other work shares the machine.
    private sealed record LoadResult(long Completed, long Failed, double PerSecond, double P50Ms, double P99Ms, double CpuMicrosPerRequest);

    private sealed class ClientResult
    {
        public List<long> Latencies { get; } = new(1 << 16);

        public long Ok { get; set; }

        public long Failed { get; set; }
    }

    /// <summary>A client's notification: a fixed body whose sequence number and checksum digits are patched per request.</summary>
    private sealed class RequestTemplate
    {
        private const long Base = 1_000_000_000;
        private readonly byte[] _body;
        private readonly int _seqOffset;
        private readonly int _checksumOffset;
        private long _next;
        private long _accepted;

        public RequestTemplate(int client, int bodyBytes)
        {
            Client = client;
            var prefix = $"{{\"subscriptionId\":\"5f0c8f1a2b3c4d5e6f7081{client % 100:00}\",\"data\":[{{\"id\":\"urn:ngsi-ld:Sensor:bench-{client:000}\",\"type\":\"Sensor\","
                + "\"temperature\":{\"type\":\"Number\",\"value\":21.7,\"metadata\":{}},"
                + $"\"client\":{{\"type\":\"Number\",\"value\":{client},\"metadata\":{{}}}},"
                + "\"seq\":{\"type\":\"Number\",\"value\":";
            var middle = ",\"metadata\":{}},\"checksum\":{\"type\":\"Number\",\"value\":";
            var beforePad = ",\"metadata\":{}},\"pad\":{\"type\":\"Text\",\"value\":\"";
            const string suffix = "\",\"metadata\":{}}}]}";
            var fixedLength = Encoding.UTF8.GetByteCount(prefix) + 10 + middle.Length + 10 + beforePad.Length + suffix.Length;
            var padLength = Math.Max(1, bodyBytes - fixedLength);
            var random = new Random(client + 17);
            var pad = new char[padLength];
            for (var i = 0; i < pad.Length; i++)
            {
                pad[i] = (char)('a' + random.Next(26));
            }

            Pad = new string(pad);
            PadHash = Fnv(Encoding.ASCII.GetBytes(Pad));
            _body = Encoding.UTF8.GetBytes(prefix + "1000000000" + middle + "1000000000" + beforePad + Pad + suffix);
            _seqOffset = Encoding.UTF8.GetByteCount(prefix);
            _checksumOffset = _seqOffset + 10 + middle.Length;
        }

        public int Client { get; }

        public string Pad { get; }

        public uint PadHash { get; }

        public long Sent => Interlocked.Read(ref _next);

        public long AcceptedCount => Interlocked.Read(ref _accepted);

        public long Mark { get; set; }

        public long Next() => Interlocked.Increment(ref _next);

        public void Accepted(long seq) => Interlocked.Increment(ref _accepted);

        public static long Checksum(int client, long seq, uint padHash) => Base + (long)((padHash + ((ulong)seq * 2_654_435_761UL) + ((ulong)client * 40_503UL)) % 900_000_000UL);

        public byte[] BuildRequest(string path, int port)
        {
            var head = Encoding.ASCII.GetBytes(
                $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: orion/4.7.0\r\nFiware-Service: bench\r\nFiware-Servicepath: /load\r\n"
                + $"Accept: application/json\r\nContent-Length: {_body.Length}\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Ngsiv2-AttrsFormat: normalized\r\nFiware-Correlator: 9a3c1e52-5c1f-11ef-8a2b-0242ac120003; cbnotif=1\r\n\r\n");
            var request = new byte[head.Length + _body.Length];
            head.CopyTo(request, 0);
            _body.CopyTo(request, head.Length);
            HeadLength = head.Length;
            return request;
        }

        private int HeadLength { get; set; }

        public void Stamp(byte[] request, long seq)
        {
            Utf8Formatter.TryFormat(Base + seq, request.AsSpan(HeadLength + _seqOffset, 10), out _);
            Utf8Formatter.TryFormat(Checksum(Client, seq, PadHash), request.AsSpan(HeadLength + _checksumOffset, 10), out _);
        }

        /// <summary>A copy of the body alone, for MQTT; stamp it with <see cref="StampBody"/>.</summary>
        public byte[] BodyCopy() => (byte[])_body.Clone();

        public void StampBody(byte[] body, long seq)
        {
            Utf8Formatter.TryFormat(Base + seq, body.AsSpan(_seqOffset, 10), out _);
            Utf8Formatter.TryFormat(Checksum(Client, seq, PadHash), body.AsSpan(_checksumOffset, 10), out _);
        }

        public static uint Fnv(ReadOnlySpan<byte> bytes)
        {
            var hash = 2_166_136_261u;
            foreach (var b in bytes)
            {
                hash = (hash ^ b) * 16_777_619u;
            }

            return hash;
        }
    }

    /// <summary>The job's check: every event must carry a known client, a sequence number and a checksum matching its padding.</summary>
    private sealed class EventChecker(RequestTemplate[] templates)
    {
        private readonly RequestTemplate[] _templates = templates;
        private readonly HashSet<long>[] _seen = [.. templates.Select(_ => new HashSet<long>())];
        private long[] _from = new long[templates.Length];
        private long[] _acceptedBefore = new long[templates.Length];
        private volatile bool _counting;
        private long _received;
        private long _corrupted;
        private long _duplicates;

        public long Received => Interlocked.Read(ref _received);

        public long Corrupted => Interlocked.Read(ref _corrupted);

        public long Duplicates => Interlocked.Read(ref _duplicates);

        public void StartCounting(RequestTemplate[] templates)
        {
            // Events from the warm-up may still be in flight; the measured window starts after each client's last warm-up number.
            _from = [.. templates.Select(t => t.Sent)];
            _acceptedBefore = [.. templates.Select(t => t.AcceptedCount)];
            _counting = true;
        }

        public long Lost(RequestTemplate[] templates)
        {
            long lost = 0;
            for (var i = 0; i < templates.Length; i++)
            {
                var accepted = templates[i].AcceptedCount - _acceptedBefore[i];
                lost += Math.Max(0, accepted - _seen[i].Count);
            }

            return lost;
        }

        public void Check(ReadOnlySpan<NgsiEvent> events)
        {
            foreach (var e in events)
            {
                if (!Valid(e, out var client, out var seq))
                {
                    Interlocked.Increment(ref _corrupted);
                    continue;
                }

                if (!_counting || seq <= _from[client])
                {
                    continue;
                }

                Interlocked.Increment(ref _received);
                if (!_seen[client].Add(seq))
                {
                    Interlocked.Increment(ref _duplicates);
                }
            }
        }

        private bool Valid(NgsiEvent e, out int client, out long seq)
        {
            client = -1;
            seq = 0;
            if (!e.Entity.TryGetValue("client", out var c) || !e.Entity.TryGetValue("seq", out var s) || !e.Entity.TryGetValue("checksum", out var sum)
                || !e.Entity.TryGetValue("pad", out var pad) || e.Fiware.Tenant != "bench" || e.Fiware.ServicePath != "/load")
            {
                return false;
            }

            if (!c.TryGetNumber(out var clientNumber) || !s.TryGetNumber(out var seqNumber) || !sum.TryGetNumber(out var checksum) || !pad.TryGetString(out var padText))
            {
                return false;
            }

            client = (int)clientNumber;
            if (client < 0 || client >= _seen.Length || !e.Entity.Id.EndsWith(client.ToString("000", CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                return false;
            }

            seq = (long)seqNumber - 1_000_000_000;

            // The padding must be exactly the client's (one vectorized comparison, cheaper than hashing it again), and the
            // checksum must match the client, the sequence number and the padding's hash.
            var template = _templates[client];
            return string.Equals(padText, template.Pad, StringComparison.Ordinal)
                && (long)checksum == RequestTemplate.Checksum(client, seq, template.PadHash);
        }
    }
}
