namespace NgsiFlow.Cluster;

/// <summary>What one node has done since it started (each node counts its own; sum them for the cluster).</summary>
/// <param name="Received">Events its receiver handed to the cluster.</param>
/// <param name="Committed">Events whose effect a grain stored (on any node) before this node's receiver answered 2xx.</param>
/// <param name="Applied">Events applied by the grains active on this node.</param>
/// <param name="Duplicates">Events its grains recognised by their idempotency key and skipped.</param>
/// <param name="Rejected">Events its grains could not apply (the job threw, or the entity did not parse); logged, not retried.</param>
/// <param name="CommitRetries">Grain calls its receiver made again after a failure (a node lost, the store unreachable).</param>
/// <param name="Unavailable">Notifications its receiver answered 503 because the cluster did not commit them in time.</param>
/// <param name="WriteBacks">Write-backs its grains sent and the broker confirmed.</param>
/// <param name="Replays">Write-backs sent again from an outbox taken over after a failure (included in <paramref name="WriteBacks"/>).</param>
/// <param name="WriteBackFailures">Write-backs the replier gave up on (dead-lettered).</param>
/// <param name="Fenced">Grain activations that found a newer owner's state (a paused node waking up) and stopped without writing.</param>
/// <param name="ActiveKeys">Keys whose grain is active on this node now.</param>
public sealed record ClusterStatistics(
    long Received,
    long Committed,
    long Applied,
    long Duplicates,
    long Rejected,
    long CommitRetries,
    long Unavailable,
    long WriteBacks,
    long Replays,
    long WriteBackFailures,
    long Fenced,
    long ActiveKeys);
