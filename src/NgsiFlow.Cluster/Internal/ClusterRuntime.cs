using Microsoft.Extensions.Logging;
using NgsiFlow.Connector;

namespace NgsiFlow.Cluster.Internal;

/// <summary>What the grains of a node share: the jobs, the replier, the counters, the settings.</summary>
internal sealed class ClusterRuntime(ClusterNodeOptions options, NgsiReplier replier, ClusterCounters counters, ILoggerFactory loggerFactory)
{
    public ClusterNodeOptions Options { get; } = options;

    public ClusterJobRegistry Jobs => Options.Jobs;

    public BrokerConnection Broker => Options.Broker!;

    public NgsiReplier Replier { get; } = replier;

    public ClusterCounters Counters { get; } = counters;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("NgsiFlow.Cluster");

    /// <summary>The grain key of a job's key: the job's name (which has no '/') first.</summary>
    public static string GrainKey(string job, string key) => job + "/" + key;

    public static (string Job, string Key) SplitGrainKey(string grainKey)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (grainKey, string.Empty) : (grainKey[..slash], grainKey[(slash + 1)..]);
    }
}
