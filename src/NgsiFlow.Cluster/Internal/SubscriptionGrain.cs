using NgsiFlow.Connector;
using NgsiFlow.Connector.Internal;

namespace NgsiFlow.Cluster.Internal;

/// <summary>The one owner of a job's broker subscriptions in the cluster (grain key: the job's name).</summary>
[Alias("ngsiflow.subscriptions")]
internal interface ISubscriptionGrain : IGrainWithStringKey
{
    /// <summary>Makes sure each of the job's subscriptions exists on the broker, notifying <paramref name="notifyBase"/>
    /// (<c>{public URL}/notify/{job}</c>); reuses an identical one, renews its expiry; returns the subscription ids.</summary>
    [Alias("ensure")]
    Task<string[]> EnsureAsync(string notifyBase, Dictionary<string, string> headers);
}

/// <summary>
/// Orleans keeps one activation of it in the cluster, so the nodes that all ask at start never race each other into
/// making one subscription each. A subscription is found again by its description, which fingerprints everything
/// that changes what the broker sends, so the check is idempotent across node and cluster restarts.
/// </summary>
internal sealed class SubscriptionGrain(ClusterRuntime runtime) : Grain, ISubscriptionGrain
{
    public async Task<string[]> EnsureAsync(string notifyBase, Dictionary<string, string> headers)
    {
        var job = runtime.Jobs.Get(this.GetPrimaryKeyString());
        var broker = runtime.Broker;
        var ids = new List<string>();
        foreach (var request in job.Subscriptions)
        {
            request.Validate(broker.Api);
            var url = new Uri(notifyBase.TrimEnd('/') + "/" + Uri.EscapeDataString(request.Name));
            var description = SubscriptionBuilder.Describe(job.Name, request, broker.Api, url, headers);
            var fiware = request.Fiware ?? broker.DefaultFiware;
            var expires = request.Lifetime is { } life ? DateTimeOffset.UtcNow + life : (DateTimeOffset?)null;

            // Grain code stays on the grain's scheduler: no ConfigureAwait(false) here.
            var (id, reused) = await SubscriptionEnsurer.EnsureAsync(broker, request, description, url, headers, expires, fiware, CancellationToken.None).ConfigureAwait(true);
            ClusterLog.SubscriptionEnsured(runtime.Logger, job.Name, request.Name, broker.Name, id, reused ? "reused" : "created");
            ids.Add(id);
        }

        return [.. ids];
    }
}
