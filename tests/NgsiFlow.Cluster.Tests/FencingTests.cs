using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NgsiFlow.Broker;
using NgsiFlow.Cli.Jobs;
using NgsiFlow.Cluster.Internal;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.Cluster.Tests;

/// <summary>
/// Split brain made on purpose: two clusters share one grain store, so one key has two live activations, as when a
/// paused node wakes up after its keys moved. The store's ETag must refuse the stale activation's write, and the
/// retried event must be applied once, on the fresh state.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FencingTests
{
    [Fact]
    public async Task ApplyAsync_stale_activation_write_refused_then_applied_once_on_the_newer_state()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using (var http = new HttpClient { BaseAddress = broker.BaseAddress })
        {
            (await http.PostAsJsonAsync("v2/entities", new { id = "S1", type = "Sensor", value = new { type = "Number", value = 0 } })).EnsureSuccessStatusCode();
        }

        using var a = await StartAsync("a", redis, broker);
        using var b = await StartAsync("b", redis, broker);
        var onA = a.Services.GetRequiredService<IGrainFactory>().GetGrain<IKeyGrain>("running-sum/S1");
        var onB = b.Services.GetRequiredService<IGrainFactory>().GetGrain<IKeyGrain>("running-sum/S1");

        (await onA.ApplyAsync(Update(1))).ShouldBe(ApplyOutcome.Applied);
        (await onB.ApplyAsync(Update(2))).ShouldBe(ApplyOutcome.Applied);   // reads 1 from the store, stores 2
        await Should.ThrowAsync<Orleans.Storage.InconsistentStateException>(() => onA.ApplyAsync(Update(3))); // A holds 1: its ETag is stale
        (await onA.ApplyAsync(Update(3))).ShouldBe(ApplyOutcome.Applied);   // a fresh activation reads 2, stores 3
        (await onA.ApplyAsync(Update(2))).ShouldBe(ApplyOutcome.Duplicate); // B's idempotency key came with the state

        var snapshot = await onA.GetAsync();
        snapshot.Applied.ShouldBe(3);
        snapshot.State.ShouldNotBeNull();
        snapshot.State.ShouldContain("\"count\":3");
        snapshot.State.ShouldContain("\"outOfOrder\":0");
    }

    private static EventEnvelope Update(int seq) => EventEnvelope.From(
        new NgsiEvent("running-sum", new NgsiV2Entity("S1", "Sensor", new NgsiV2AttributeCollection([
            new NgsiV2Attribute("value", NgsiValue.FromNumber(seq), "Number"),
            new NgsiV2Attribute("seq", NgsiValue.FromNumber(seq), "Number"),
        ])), FiwareContext.Default, NotificationFormat.V2Normalized, "s", null, DateTimeOffset.UtcNow),
        "S1#" + seq);

    private static async Task<IHost> StartAsync(string cluster, RedisServer redis, ContextBroker broker)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddNgsiFlowCluster(o =>
        {
            o.Jobs.Add(ClusterDemoJobs.RunningSum);
            o.Redis = redis.ConnectionString;
            o.ClusterId = cluster;
            o.ServiceId = "shared";
            o.SiloPort = FreePort.Next();
            o.Subscribe = false;
            o.Broker = BrokerConnection.V2(broker.BaseAddress);
            o.Receiver = new ReceiverOptions { Port = 0 };
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
