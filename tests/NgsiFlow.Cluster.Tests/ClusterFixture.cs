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
