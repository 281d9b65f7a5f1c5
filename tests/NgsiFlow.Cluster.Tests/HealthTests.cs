using System.Net;
using System.Text.Json;
using NgsiFlow.Cli.Commands.Bench.Cluster;
using static NgsiFlow.Cluster.Tests.ClusterTesting;

namespace NgsiFlow.Cluster.Tests;

/// <summary>A node's /health/live and /health/ready, ready following the silo, the store, the broker and the subscription.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HealthTests
{
    [Fact]
    public async Task Health_ready_flips_with_the_store_and_the_broker_live_stays_up()
    {
        await using var rig = await ClusterRig.StartAsync(CliPath, "running-sum", 1, null, [], CancellationToken.None);
        var node = rig.Nodes[0].BaseAddress;
        await WaitUntilAsync(async () => (await HealthAsync(rig, node, "ready")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), () => "ready once the subscription is made");
        var ready = await HealthAsync(rig, node, "ready");
        foreach (var check in new[] { "silo", "store", "broker", "subscriptions" })
        {
            ready.Body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString().ShouldBe("Healthy", ready.Body.ToString());
        }

        rig.Redis!.Kill();
        await WaitUntilAsync(async () => (await HealthAsync(rig, node, "ready")).Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), () => "not ready while Redis is down");
        var down = await HealthAsync(rig, node, "ready");
        down.Body.GetProperty("checks").GetProperty("store").GetProperty("status").GetString().ShouldBe("Unhealthy");
        (await HealthAsync(rig, node, "live")).Status.ShouldBe(HttpStatusCode.OK);

        await rig.Redis.StartAgainAsync();
        await WaitUntilAsync(async () => (await HealthAsync(rig, node, "ready")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), () => "ready again once Redis is back");

        await rig.Broker.DisposeAsync();
        await WaitUntilAsync(async () => (await HealthAsync(rig, node, "ready")).Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), () => "not ready once the broker went away");
        (await HealthAsync(rig, node, "ready")).Body.GetProperty("checks").GetProperty("broker").GetProperty("status").GetString().ShouldBe("Unhealthy");
        (await HealthAsync(rig, node, "live")).Status.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(ClusterRig rig, Uri node, string which)
    {
        using var response = await rig.Http.GetAsync(new Uri(node, "health/" + which));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
