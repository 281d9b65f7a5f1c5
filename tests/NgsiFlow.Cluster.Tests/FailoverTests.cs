using System.Net.Http.Json;
using NgsiFlow.Cli.Commands.Bench.Cluster;
using Xunit.Abstractions;
using static NgsiFlow.Cluster.Tests.ClusterTesting;

namespace NgsiFlow.Cluster.Tests;

/// <summary>
/// The cluster's guarantee under failures, with real processes: Redis (appendfsync always), three `ngsiflow node`
/// processes behind nginx, the embedded broker receiving the write-backs. The test plays a broker that sends a
/// notification again until it gets a 2xx, so "nothing answered 2xx is lost" and "nothing is applied twice" both show
/// in the job's per-entity count: it must equal the number of updates acknowledged, exactly.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Entities = 200;
    private const int Updates = 100;

    [Fact]
    public async Task Node_busiest_killed_mid_stream_every_acknowledged_update_counted_once_in_order()
    {
        await using var rig = await ClusterRig.StartAsync(CliPath, "running-sum", 3, null, ["--no-subscribe"], CancellationToken.None);
        await rig.CreateEntitiesAsync(Entities, "Sensor", CancellationToken.None);
        using var observer = await WriteBackObserver.StartAsync(new HttpClient { BaseAddress = rig.Broker.BaseAddress });
        var load = new NotificationLoad(rig.NotifyUrl, Entities, Updates, senders: 64);
        var run = load.RunAsync(TimeSpan.FromMinutes(4), CancellationToken.None);

        await WaitUntilAsync(() => Task.FromResult(load.Acknowledged >= Entities * Updates * 2 / 5 || run.IsCompleted), TimeSpan.FromMinutes(2), () => $"{load.Acknowledged} acknowledged");
        var before = await rig.StatisticsAsync(CancellationToken.None);
        var victim = before.MaxBy(s => s.Statistics.Applied).Node;
        victim.Signal("KILL");
        output.WriteLine($"killed {victim.Name} at {load.Acknowledged} acknowledged; applied per node: {string.Join(", ", before.Select(s => $"{s.Node.Name} {s.Statistics.Applied}"))}");

        var elapsed = await run;
        var stall = load.LongestStall();
        output.WriteLine($"{load.Acknowledged} acknowledged in {elapsed.TotalSeconds:0.0} s; longest stall of an entity {stall.TotalSeconds:0.00} s; 503: {load.Unavailable}, no answer: {load.NoAnswer}");

        var survivors = rig.Nodes.Where(n => n != victim).ToList();
        await ShouldAllBeCountedOnceAsync(rig, load);

        var after = await rig.StatisticsAsync(CancellationToken.None);
        after.Count.ShouldBe(2);
        var replays = after.Sum(s => s.Statistics.Replays);
        var decreases = Enumerable.Range(0, Entities).Sum(i => Decreases(observer.Of(NotificationLoad.EntityId(i))));
        output.WriteLine($"replays counted {replays}, write-back decreases seen {decreases}, duplicates skipped {after.Sum(s => s.Statistics.Duplicates)}, retries {after.Sum(s => s.Statistics.CommitRetries)}");
        decreases.ShouldBeLessThanOrEqualTo((int)replays, "every step back in the written-back count is a replay the nodes counted");
        stall.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(10));
        survivors.ShouldAllBe(n => !n.HasExited);
    }

    [Fact]
    public async Task Node_paused_past_failure_timeout_then_resumed_its_late_writes_refused_nothing_applied_twice()
    {
        const int entities = 100, updates = 60;
        await using var rig = await ClusterRig.StartAsync(CliPath, "running-sum", 3, null, ["--no-subscribe", "--log-level", "Information"], CancellationToken.None);
        await rig.CreateEntitiesAsync(entities, "Sensor", CancellationToken.None);
        var load = new NotificationLoad(rig.NotifyUrl, entities, updates, senders: 48);
        var run = load.RunAsync(TimeSpan.FromMinutes(4), CancellationToken.None);
        await WaitUntilAsync(() => Task.FromResult(load.Acknowledged >= entities * updates / 4 || run.IsCompleted), TimeSpan.FromMinutes(2), () => $"{load.Acknowledged} acknowledged");
        var victim = (await rig.StatisticsAsync(CancellationToken.None)).MaxBy(s => s.Statistics.Applied).Node;
        var victimSilo = (await victim.StatusAsync(rig.Http, CancellationToken.None))!.Silo;
        victim.Signal("STOP");
        var survivors = rig.Nodes.Where(n => n != victim).ToList();

        // Past the failure timeout: both survivors have voted the paused node out, and its keys moved.
        await WaitUntilAsync(async () =>
        {
            foreach (var node in survivors)
            {
                if ((await node.StatusAsync(rig.Http, CancellationToken.None))?.ActiveSilos is not { } active || active.Contains(victimSilo))
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30), () => "the survivors to declare the paused node dead");
        var acknowledgedAtResume = load.Acknowledged;
        victim.Signal("CONT");

        // It finds itself declared dead and leaves: the process ends.
        await victim.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await run;
        output.WriteLine($"resumed at {acknowledgedAtResume}; {load.Acknowledged} acknowledged; 503: {load.Unavailable}, no answer: {load.NoAnswer}; longest stall {load.LongestStall().TotalSeconds:0.00} s");
        var late = victim.Errors.Split('\n').Count(l => l.Contains("[602]", StringComparison.Ordinal) || l.Contains("[604]", StringComparison.Ordinal));
        output.WriteLine($"the resumed node logged {late} refused or fenced write(s)");

        await ShouldAllBeCountedOnceAsync(rig, load);

        // The grains' own stored state agrees with what was written back.
        foreach (var i in new[] { 0, entities / 2, entities - 1 })
        {
            var key = await rig.Http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri(survivors[0].BaseAddress, $"cluster/keys/running-sum/{NotificationLoad.EntityId(i)}"));
            key.GetProperty("state").GetProperty("count").GetInt64().ShouldBe(updates);
        }
    }

    [Fact]
    public async Task Store_restarted_mid_stream_503_during_the_outage_nothing_acknowledged_lost()
    {
        const int entities = 100, updates = 60;
        await using var rig = await ClusterRig.StartAsync(CliPath, "running-sum", 3, null, ["--no-subscribe", "--commit-timeout-ms", "2000"], CancellationToken.None);
        await rig.CreateEntitiesAsync(entities, "Sensor", CancellationToken.None);
        var load = new NotificationLoad(rig.NotifyUrl, entities, updates, senders: 48);
        var run = load.RunAsync(TimeSpan.FromMinutes(4), CancellationToken.None);
        await WaitUntilAsync(() => Task.FromResult(load.Acknowledged >= entities * updates / 3 || run.IsCompleted), TimeSpan.FromMinutes(2), () => $"{load.Acknowledged} acknowledged");
        rig.Redis!.Kill();
        var acknowledgedAtKill = load.Acknowledged;
        await WaitUntilAsync(() => Task.FromResult(load.Unavailable > 0), TimeSpan.FromSeconds(60), () => $"a 503 while Redis is down (acknowledged {load.Acknowledged - acknowledgedAtKill} since the kill, other status {load.OtherStatus}, no answer {load.NoAnswer})\n{string.Join('\n', rig.Nodes[0].Errors.Split('\n').TakeLast(30))}");
        var acknowledgedDuringOutage = load.Acknowledged - acknowledgedAtKill;
        await rig.Redis.StartAgainAsync();
        await run;
        output.WriteLine($"Redis killed at {acknowledgedAtKill}; acknowledged while down {acknowledgedDuringOutage} (requests in flight); 503: {load.Unavailable}; {load.Acknowledged} acknowledged in all");
        load.Unavailable.ShouldBeGreaterThan(0);

        await ShouldAllBeCountedOnceAsync(rig, load);
    }

    private static int Decreases(IReadOnlyList<long> values)
    {
        var count = 0;
        for (var i = 1; i < values.Count; i++)
        {
            if (values[i] < values[i - 1])
            {
                count++;
            }
        }

        return count;
    }
}
