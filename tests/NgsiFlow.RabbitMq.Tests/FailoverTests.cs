using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NgsiFlow.Broker;
using NgsiFlow.Testing;
using Xunit.Abstractions;

namespace NgsiFlow.RabbitMq.Tests;

/// <summary>
/// The issue's proof: a real RabbitMQ, the embedded broker, one receiver and three worker processes (the built CLI as
/// child processes); 20,000 updates over 200 entities; one worker killed with SIGKILL mid-stream (then a receiver).
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class FailoverTests(RabbitMqFixture rabbit, ITestOutputHelper output)
{
    private const int EntityCount = 200;
    private static readonly TimeSpan ProcessStart = TimeSpan.FromSeconds(60);

    // The test runs beside the rest of the suite on two cores: a notification that waits its turn for a CPU must not
    // count as failed (the broker does not resend failed notifications, as Orion does not), or the observer misses it.
    private static readonly TimeSpan SlowMachineNotificationTimeout = TimeSpan.FromSeconds(60);

    // Information logs every take-over with the checkpoint generation it restored; NGSIFLOW_TEST_LOG_LEVEL=Debug adds
    // every checkpoint stored, and NGSIFLOW_TEST_LOGS=dir keeps the whole logs (see DumpLogs).
    private static string LogLevel => Environment.GetEnvironmentVariable("NGSIFLOW_TEST_LOG_LEVEL") ?? "Information";

    private static string Id(int i) => "S" + i.ToString("D3", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Workers_one_killed_mid_stream_every_result_written_back_in_order_and_nothing_unacked()
    {
        const int updates = 100;
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationSendersPerSubscription = 1, NotificationTimeout = SlowMachineNotificationTimeout });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        await CreateEntitiesAsync(http);
        using var observer = await WriteBackObserver.StartAsync(http);
        var prefix = "f" + Guid.NewGuid().ToString("N")[..8];
        string[] common = ["--rabbitmq", rabbit.Uri.ToString(), "--job", "running-sum", "--prefix", prefix, "--partitions", "8", "--checkpoint-ms", "200", "--broker", broker.BaseAddress.ToString(), "--log-level", LogLevel];
        var workers = Enumerable.Range(0, 3).Select(i => CliProcess.Start($"worker{i}", ["worker", .. common, "--report-seconds", "0.3"])).ToList();
        CliProcess? receiver = null;
        try
        {
            foreach (var worker in workers)
            {
                await worker.WaitForLineAsync(l => l.StartsWith("worker ", StringComparison.Ordinal) && l.Contains("ready", StringComparison.Ordinal), ProcessStart, "its ready line");
            }

            // Single active consumer gives each partition to one worker when messages flow; the workers then even
            // the partitions out between them (clean hand-overs) while the updates stream in.
            receiver = CliProcess.Start("receiver", ["receive", .. common, "--port", "0"]);
            await receiver.WaitForLineAsync(l => l.StartsWith("receiver ready", StringComparison.Ordinal), ProcessStart, "its ready line");

            CliProcess? victim = null;
            for (var seq = 1; seq <= updates; seq++)
            {
                await Task.WhenAll(Enumerable.Range(0, EntityCount).Select(i => UpdateAsync(http, Id(i), seq)));
                if (seq == updates / 2)
                {
                    // Mid-stream: half the updates are sent, a quarter processed; the victim owns partitions and has
                    // processed some of them, the rest is still coming.
                    long Processed(CliProcess w) => Report(w) is { } r ? r.GetProperty("processed").GetInt64() : 0;
                    await WaitAsync(() => workers.Sum(Processed) >= EntityCount * updates / 4, TimeSpan.FromSeconds(60), "the workers to process a quarter of the updates", () => string.Join(", ", workers.Select(Processed)));
                    victim = workers.Where(w => Report(w)?.GetProperty("ownedPartitions").GetInt32() > 0).MaxBy(Processed)!;
                    victim.Signal("KILL");
                    output.WriteLine($"SIGKILL {victim.Name} after {seq} rounds sent; its last report: {victim.Lines.LastOrDefault()}");
                }
            }

            var survivors = workers.Where(w => w != victim).ToList();
            await WaitForWriteBacksAsync(http, updates, "every entity's last result to be written back",
                () => $"entities behind: {string.Join(", ", SumsAsync(http).Result.Where(s => s.Count != updates).Take(10))}");

            var sums = await SumsAsync(http);
            sums.Count.ShouldBe(EntityCount);
            foreach (var s in sums)
            {
                s.Count.ShouldBe(updates, s.Id);
                s.Seq.ShouldBe(updates, s.Id);
                s.Value.ShouldBe(Enumerable.Range(1, updates).Sum(k => k + 0.5), s.Id);
                s.OutOfOrder.ShouldBe(0, s.Id);
            }

            await WaitAsync(() => Enumerable.Range(0, EntityCount).All(i => observer.Of(Id(i)).Contains(updates)), TimeSpan.FromSeconds(150), "the broker to notify every last write-back",
                () => $"observer behind; broker notifications sent {broker.NotificationsSent}, failed {broker.NotificationsFailed}, dropped {broker.NotificationsDropped}, pending {broker.NotificationsPending}");
            var replays = 0;
            for (var i = 0; i < EntityCount; i++)
            {
                var written = observer.Of(Id(i));
                written.Distinct().Order().ShouldBe(Enumerable.Range(1, updates).Select(k => (long)k), $"results written back for {Id(i)}: {string.Join(",", written)}");
                for (var k = 1; k < written.Count; k++)
                {
                    // In order: each write-back is the next result, or a replay restarting from an earlier checkpoint
                    // after the failover (which then climbs again in order).
                    (written[k] == written[k - 1] + 1 || written[k] <= written[k - 1]).ShouldBeTrue($"{Id(i)} wrote {written[k]} after {written[k - 1]}: {string.Join(",", written)}");
                    replays += written[k] <= written[k - 1] ? 1 : 0;
                }
            }

            await WaitAsync(() => rabbit.AllAcknowledged(prefix + ".running-sum.p"), TimeSpan.FromSeconds(30), "every partition queue to be empty and fully acknowledged",
                () => string.Join(", ", rabbit.Queues(prefix + ".running-sum.p")));

            var finals = await StopAllAsync([.. survivors, receiver]);
            var redelivered = finals.Take(survivors.Count).Sum(r => r.GetProperty("redelivered").GetInt64());
            var duplicates = finals.Take(survivors.Count).Sum(r => r.GetProperty("duplicates").GetInt64());
            var processed = finals.Take(survivors.Count).Sum(r => r.GetProperty("processed").GetInt64());
            output.WriteLine($"survivors processed {processed}, redelivered {redelivered}, duplicates skipped {duplicates}; write-back replays seen by the broker: {replays}");
            foreach (var line in finals)
            {
                output.WriteLine(line.ToString());
            }

            redelivered.ShouldBeGreaterThan(0, "the killed worker's unacknowledged messages are delivered again and counted");
            finals[^1].GetProperty("publishFailures").GetInt64().ShouldBe(0);
            finals[^1].GetProperty("published").GetInt64().ShouldBe(EntityCount * updates);
        }
        finally
        {
            receiver?.Dispose();
            workers.ForEach(w => w.Dispose());
            DumpLogs([.. workers, .. receiver is null ? Array.Empty<CliProcess>() : [receiver]]);
        }
    }

    [Fact]
    public async Task Receiver_killed_and_restarted_loses_nothing_answered_2xx()
    {
        const int updates = 50;
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationTimeout = SlowMachineNotificationTimeout });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        await CreateEntitiesAsync(http);
        var prefix = "r" + Guid.NewGuid().ToString("N")[..8];
        var port = FreePort.Next();
        string[] common = ["--rabbitmq", rabbit.Uri.ToString(), "--job", "running-sum", "--prefix", prefix, "--partitions", "8", "--checkpoint-ms", "200", "--log-level", LogLevel];
        var workers = Enumerable.Range(0, 3).Select(i => CliProcess.Start($"worker{i}", ["worker", .. common, "--broker", broker.BaseAddress.ToString()])).ToList();
        var receiver = CliProcess.Start("receiver", ["receive", .. common, "--port", port.ToString(CultureInfo.InvariantCulture)]);
        CliProcess? restarted = null;
        try
        {
            foreach (var process in workers.Append(receiver))
            {
                await process.WaitForLineAsync(l => l.Contains("ready", StringComparison.Ordinal), ProcessStart, "its ready line");
            }

            // The test plays the context broker: each entity's updates are posted in order, each one again until it
            // is answered 2xx (a broker retrying), so a notification whose answer was lost to the kill arrives twice.
            using var notifier = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            var answered = 0;
            var refused = 0;
            var senders = Enumerable.Range(0, EntityCount).Select(i => Task.Run(async () =>
            {
                for (var seq = 1; seq <= updates; seq++)
                {
                    while (true)
                    {
                        try
                        {
                            using var response = await notifier.PostAsync("notify/running-sum", Notification(Id(i), seq));
                            if (response.IsSuccessStatusCode)
                            {
                                Interlocked.Increment(ref answered);
                                break;
                            }

                            Interlocked.Increment(ref refused);
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                        {
                            Interlocked.Increment(ref refused);
                        }

                        await Task.Delay(50);
                    }
                }
            })).ToList();

            await WaitAsync(() => Volatile.Read(ref answered) >= EntityCount * updates / 3, TimeSpan.FromSeconds(60), "a third of the updates to be answered", () => answered.ToString(CultureInfo.InvariantCulture));
            receiver.Signal("KILL");
            await receiver.WaitForExitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"SIGKILL receiver after {answered} answers");
            restarted = CliProcess.Start("receiver2", ["receive", .. common, "--port", port.ToString(CultureInfo.InvariantCulture)]);
            await restarted.WaitForLineAsync(l => l.Contains("ready", StringComparison.Ordinal), ProcessStart, "its ready line");
            await Task.WhenAll(senders);

            await WaitForWriteBacksAsync(http, updates, "every update answered 2xx to be processed and written back",
                () => $"entities behind: {string.Join(", ", SumsAsync(http).Result.Where(s => s.Count != updates).Take(10))}");
            foreach (var s in await SumsAsync(http))
            {
                s.Count.ShouldBe(updates, s.Id);
                s.Seq.ShouldBe(updates, s.Id);
                s.OutOfOrder.ShouldBe(0, s.Id);
            }

            await WaitAsync(() => rabbit.AllAcknowledged(prefix + ".running-sum.p"), TimeSpan.FromSeconds(30), "every partition queue to be empty and fully acknowledged",
                () => string.Join(", ", rabbit.Queues(prefix + ".running-sum.p")));
            var finals = await StopAllAsync([.. workers, restarted]);
            var duplicates = finals.Take(workers.Count).Sum(r => r.GetProperty("duplicates").GetInt64());
            output.WriteLine($"answered {answered}, refused or failed attempts {refused}, duplicates skipped by the workers {duplicates}");
            answered.ShouldBe(EntityCount * updates);
            refused.ShouldBeGreaterThan(0, "some notifications were refused while the receiver was down");
        }
        finally
        {
            receiver.Dispose();
            restarted?.Dispose();
            workers.ForEach(w => w.Dispose());
            DumpLogs([.. workers, receiver, .. restarted is null ? Array.Empty<CliProcess>() : [restarted]]);
        }
    }

    private void DumpLogs(IEnumerable<CliProcess> processes, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        // NGSIFLOW_TEST_LOGS=dir keeps every child process's whole log, for investigating a failure.
        var directory = Environment.GetEnvironmentVariable("NGSIFLOW_TEST_LOGS");
        foreach (var process in processes)
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(Path.Combine(directory, $"{test}.{process.Name}.log"), process.Errors);
            }

            foreach (var line in process.Errors.Split('\n').Where(l => l.Length > 0).TakeLast(40))
            {
                output.WriteLine($"{process.Name}: {line}");
            }
        }
    }

    private static StringContent Notification(string id, int seq) => new(
        "{\"subscriptionId\":\"test\",\"data\":[{\"id\":\"" + id + "\",\"type\":\"Sensor\",\"value\":{\"type\":\"Number\",\"value\":" + seq.ToString(CultureInfo.InvariantCulture) + ".5},\"seq\":{\"type\":\"Number\",\"value\":" + seq.ToString(CultureInfo.InvariantCulture) + "}}]}",
        Encoding.UTF8,
        "application/json");

    private static async Task CreateEntitiesAsync(HttpClient http)
    {
        var entities = Enumerable.Range(0, EntityCount).Select(i => new Dictionary<string, object>
        {
            ["id"] = Id(i),
            ["type"] = "Sensor",
            ["value"] = new { type = "Number", value = 0 },
            ["seq"] = new { type = "Number", value = 0 },
        });
        using var response = await http.PostAsJsonAsync("v2/op/update", new { actionType = "append", entities });
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    private static async Task UpdateAsync(HttpClient http, string id, int seq)
    {
        using var content = new StringContent($$$"""{"value":{"type":"Number","value":{{{seq}}}.5},"seq":{"type":"Number","value":{{{seq}}}}}""", Encoding.UTF8, "application/json");
        using var response = await http.PatchAsync($"v2/entities/{id}/attrs", content);
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    private sealed record Sum(string Id, long Count, long Seq, double Value, long OutOfOrder);

    private static async Task<List<Sum>> SumsAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("v2/entities?type=Sensor&limit=1000&options=keyValues"));
        return [.. document.RootElement.EnumerateArray().Select(e => new Sum(
            e.GetProperty("id").GetString()!,
            Long(e, "sumCount"),
            Long(e, "sumSeq"),
            e.TryGetProperty("sumValue", out var v) ? v.GetDouble() : 0,
            Long(e, "sumOutOfOrder")))];
    }

    private static long Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? (long)v.GetDouble() : 0;

    private static JsonElement? Report(CliProcess worker)
    {
        var line = worker.Lines.LastOrDefault(l => l.StartsWith('{'));
        return line is null ? null : JsonDocument.Parse(line).RootElement.Clone();
    }

    private static async Task<List<JsonElement>> StopAllAsync(IReadOnlyList<CliProcess> processes)
    {
        foreach (var process in processes)
        {
            process.Signal("TERM");
        }

        var finals = new List<JsonElement>();
        foreach (var process in processes)
        {
            (await process.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, $"{process.Name} exit code; stderr: {process.Errors}");
            finals.Add(Report(process) ?? throw new InvalidOperationException($"{process.Name} printed no final report: {string.Join('\n', process.Lines)}"));
        }

        return finals;
    }

    // Waits while the written-back counts keep climbing: on a loaded two-core machine the rate varies a lot, but a
    // minute without any progress means something is stuck, and ten minutes in all is a hard stop.
    private static async Task WaitForWriteBacksAsync(HttpClient http, int updates, string what, Func<string> state)
    {
        var start = DateTime.UtcNow;
        var lastProgress = start;
        var last = -1L;
        while (true)
        {
            var sums = await SumsAsync(http);
            if (sums.All(s => s.Count == updates))
            {
                return;
            }

            var total = sums.Sum(s => (long)s.Count);
            var now = DateTime.UtcNow;
            if (total != last)
            {
                last = total;
                lastProgress = now;
            }

            if (now - lastProgress > TimeSpan.FromSeconds(60) || now - start > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"Gave up waiting for {what} after {(now - start).TotalSeconds:0} s ({(now - lastProgress).TotalSeconds:0} s without progress, {total} results so far); now: {state()}");
            }

            await Task.Delay(200);
        }
    }

    private static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string> state) =>
        WaitAsync(() => Task.FromResult(condition()), timeout, what, state);

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string> state)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; now: {state()}");
            }

            await Task.Delay(100);
        }
    }
}
