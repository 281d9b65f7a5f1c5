using NgsiFlow.Broker;
using NgsiFlow.Cli.Commands.Bench.Cluster;
using NgsiFlow.Cli.Jobs;
using NgsiFlow.Connector;
using Xunit.Abstractions;
using static NgsiFlow.Cluster.Tests.ClusterTesting;

namespace NgsiFlow.Cluster.Tests;

/// <summary>A job keyed by something other than the entity id gives on the cluster what it gives in one process.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KeyedJobTests(ITestOutputHelper output)
{
    private const int Entities = 60;
    private const int Updates = 40;
    private static readonly string[] Types = ["Pump", "Valve", "Tank"];

    [Fact]
    public async Task TypeCounts_on_three_nodes_equal_the_in_process_run_and_the_expected_windows()
    {
        var expected = Expected();
        Dictionary<string, long> cluster;
        await using (var rig = await ClusterRig.StartAsync(CliPath, "type-counts", 3, null, ["--no-subscribe"], CancellationToken.None))
        {
            var load = new NotificationLoad(rig.NotifyUrl, Entities, Updates, senders: 24, Types);
            await load.RunAsync(TimeSpan.FromMinutes(3), CancellationToken.None);
            await WaitUntilAsync(async () => Counts(await EntitiesAsync(rig, "TypeCount", "count")).Values.Sum() == Entities * Updates, TimeSpan.FromSeconds(60), () => "every update counted in a TypeCount entity");
            cluster = Counts(await EntitiesAsync(rig, "TypeCount", "count"));
        }

        var inProcess = await InProcessAsync();
        output.WriteLine($"{expected.Count} windows; cluster {cluster.Count}, in process {inProcess.Count}");
        cluster.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(expected.OrderBy(p => p.Key, StringComparer.Ordinal));
        inProcess.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(expected.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    /// <summary>The same job, the same notifications, in one process: receiver → engine (keyed Process) → replier.</summary>
    private static async Task<Dictionary<string, long>> InProcessAsync()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var connection = BrokerConnection.V2(broker.BaseAddress);
        await using var replier = new NgsiReplier(connection);
        var input = ClusterDemoJobs.TypeCounts.InProcess(replier).Create();
        input.Job.Start();
        await using var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 0 }, CancellationToken.None);
        receiver.AddJob("type-counts", new StreamInputTarget(input));
        var load = new NotificationLoad(new Uri(receiver.BaseAddress, "notify/type-counts"), Entities, Updates, senders: 24, Types);
        await load.RunAsync(TimeSpan.FromMinutes(3), CancellationToken.None);
        input.Complete();
        await input.Job.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient();
        var page = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement[]>(http, new Uri(broker.BaseAddress, "v2/entities?type=TypeCount&attrs=count&options=keyValues&limit=1000"));
        return page!.ToDictionary(e => e.GetProperty("id").GetString()!, e => Number(e, "count"), StringComparer.Ordinal);
    }

    private static Dictionary<string, long> Expected()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < Entities; i++)
        {
            for (var seq = 1; seq <= Updates; seq++)
            {
                var start = NotificationLoad.EventTime(i, seq).ToUnixTimeMilliseconds() / TypeCountsState.WindowMs * TypeCountsState.WindowMs;
                var id = TypeCountsState.EntityId(Types[i % Types.Length], start);
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }

        return counts;
    }

    private static Dictionary<string, long> Counts(Dictionary<string, System.Text.Json.JsonElement> entities) =>
        entities.ToDictionary(p => p.Key, p => Number(p.Value, "count"), StringComparer.Ordinal);
}
