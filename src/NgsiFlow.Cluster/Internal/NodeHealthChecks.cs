using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace NgsiFlow.Cluster.Internal;

/// <summary>Ready when this node's silo is an active member of the cluster.</summary>
internal sealed class SiloHealthCheck(ClusterNode node) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(node.ActiveSilos.Contains(node.SiloAddress, StringComparer.Ordinal)
            ? HealthCheckResult.Healthy($"active member, {node.ActiveSilos.Count} active node(s)")
            : HealthCheckResult.Unhealthy("this node is not an active member of the cluster (joining, leaving or declared dead)"));
}

/// <summary>Ready when Redis answers a PING within 2 s (the store every commit needs).</summary>
internal sealed class StoreHealthCheck(ClusterNodeOptions options) : IHealthCheck, IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _redis = new(() =>
    {
        var configuration = ConfigurationOptions.Parse(options.Redis!);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 2000;
        return ConnectionMultiplexer.ConnectAsync(configuration);
    });

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Redis is null)
        {
            return HealthCheckResult.Healthy("store configured by ConfigureSilo; not checked here");
        }

        try
        {
            var redis = await _redis.Value.ConfigureAwait(false);
            var took = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered in {took.TotalMilliseconds:0.#} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer: " + e.Message);
        }
    }

    public void Dispose()
    {
        if (_redis.IsValueCreated && _redis.Value.IsCompletedSuccessfully)
        {
            _redis.Value.Result.Dispose();
        }
    }
}

/// <summary>Ready when every served job's subscriptions are made (or the node makes none).</summary>
internal sealed class SubscriptionsHealthCheck(ClusterNode node, ClusterNodeOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Subscribe)
        {
            return Task.FromResult(HealthCheckResult.Healthy("subscriptions are made by hand"));
        }

        var missing = node.ServedJobs.Where(j => j.Subscriptions.Count > 0 && !node.SubscriptionIds.ContainsKey(j.Name)).Select(j => j.Name).ToList();
        return Task.FromResult(missing.Count == 0
            ? HealthCheckResult.Healthy(string.Join(", ", node.SubscriptionIds.Select(p => $"{p.Key}: {string.Join(" ", p.Value)}")))
            : HealthCheckResult.Unhealthy("no subscription yet for " + string.Join(", ", missing)));
    }
}
