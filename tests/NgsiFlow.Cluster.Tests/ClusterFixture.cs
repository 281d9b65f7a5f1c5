using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using NgsiFlow.Cli.Commands.Bench.Cluster;
using NgsiFlow.Testing;

namespace NgsiFlow.Cluster.Tests;

/// <summary>What the cluster tests share: the built CLI's path, and reading the broker's entities back.</summary>
internal static class ClusterTesting
{
    /// <summary>The CLI built beside this test assembly's configuration (this project references it, so it is built first).</summary>
    public static string CliPath
    {
        get
        {
            var configuration = typeof(ClusterTesting).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var path = TestPaths.InRepository("src", "NgsiFlow.Cli", "bin", configuration, "net10.0", "ngsiflow.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The ngsiflow CLI was not built at {path}.", path);
        }
    }

    /// <summary>The keyValues of every entity of <paramref name="type"/>, by id.</summary>
    public static async Task<Dictionary<string, JsonElement>> EntitiesAsync(ClusterRig rig, string type, string attrs)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        for (var offset = 0; ; offset += 1000)
        {
            var page = await rig.Http.GetFromJsonAsync<JsonElement[]>(new Uri(rig.Broker.BaseAddress, $"v2/entities?type={type}&attrs={attrs}&options=keyValues&limit=1000&offset={offset}"));
            foreach (var e in page!)
            {
                result[e.GetProperty("id").GetString()!] = e;
            }

            if (page.Length < 1000)
            {
                return result;
            }
        }
    }

    /// <summary>
    /// Waits until running-sum wrote every entity's last update back, then checks each entity: every update was
    /// acknowledged, the job counted exactly the acknowledged ones, summed their values (1 + 2 + ... + n) and saw none
    /// out of order.
    /// </summary>
    public static async Task ShouldAllBeCountedOnceAsync(ClusterRig rig, NotificationLoad load)
    {
        await WaitUntilAsync(async () => (await EntitiesAsync(rig, "Sensor", "sumCount")).Values.All(e => Number(e, "sumCount") == load.Updates), TimeSpan.FromSeconds(60), () => "every entity's sumCount written back as " + load.Updates);
        var written = await EntitiesAsync(rig, "Sensor", "sumCount,sumValue,sumOutOfOrder");
        for (var i = 0; i < load.Entities; i++)
        {
            var e = written[NotificationLoad.EntityId(i)];
            load.AcknowledgedOf(i).ShouldBe(load.Updates, $"entity {i}: every update acknowledged");
            Number(e, "sumCount").ShouldBe(load.AcknowledgedOf(i), $"entity {i}: the job's count must equal the 2xx answers");
            Number(e, "sumValue").ShouldBe((long)load.Updates * (load.Updates + 1) / 2, $"entity {i}: sum");
            Number(e, "sumOutOfOrder").ShouldBe(0, $"entity {i}: applied out of order");
        }
    }

    public static long Number(JsonElement entity, string name) =>
        entity.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? (long)v.GetDouble() : -1;

    /// <summary>Waits until <paramref name="condition"/> holds, or fails with <paramref name="what"/> and the last state.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0} s: {what()}");
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>The cluster tests run one at a time: each starts three or four node processes on a two-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
