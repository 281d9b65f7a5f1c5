using System.Diagnostics.Metrics;

namespace NgsiFlow.Cluster.Internal;

/// <summary>The node's counters, read by <see cref="ClusterNode.GetStatistics"/> and exported as <c>NgsiFlow.Cluster</c> metrics.</summary>
internal sealed class ClusterCounters : IDisposable
{
    public const string MeterName = "NgsiFlow.Cluster";
    private readonly Meter _meter = new(MeterName);
    private long _received;
    private long _committed;
    private long _applied;
    private long _duplicates;
    private long _rejected;
    private long _commitRetries;
    private long _unavailable;
    private long _writeBacks;
    private long _replays;
    private long _writeBackFailures;
    private long _fenced;
    private long _activeKeys;

    public ClusterCounters()
    {
        _meter.CreateObservableCounter("ngsiflow.cluster.events.applied", () => Volatile.Read(ref _applied), "{event}", "Events applied by the grains of this node.");
        _meter.CreateObservableCounter("ngsiflow.cluster.events.duplicates", () => Volatile.Read(ref _duplicates), "{event}", "Events skipped by their idempotency key.");
        _meter.CreateObservableCounter("ngsiflow.cluster.events.rejected", () => Volatile.Read(ref _rejected), "{event}", "Events the job could not apply.");
        _meter.CreateObservableCounter("ngsiflow.cluster.commit.retries", () => Volatile.Read(ref _commitRetries), "{call}", "Grain calls retried by the receiver.");
        _meter.CreateObservableCounter("ngsiflow.cluster.writebacks", () => Volatile.Read(ref _writeBacks), "{update}", "Write-backs confirmed.");
        _meter.CreateObservableCounter("ngsiflow.cluster.writebacks.replayed", () => Volatile.Read(ref _replays), "{update}", "Write-backs re-sent after a take-over.");
        _meter.CreateObservableUpDownCounter("ngsiflow.cluster.keys.active", () => Volatile.Read(ref _activeKeys), "{grain}", "Keys active on this node.");
    }

    public void Received(int count) => Interlocked.Add(ref _received, count);

    public void Committed() => Interlocked.Increment(ref _committed);

    public void Applied() => Interlocked.Increment(ref _applied);

    public void Duplicate() => Interlocked.Increment(ref _duplicates);

    public void Rejected() => Interlocked.Increment(ref _rejected);

    public void CommitRetry() => Interlocked.Increment(ref _commitRetries);

    public void Unavailable() => Interlocked.Increment(ref _unavailable);

    public void WriteBack(bool replay)
    {
        Interlocked.Increment(ref _writeBacks);
        if (replay)
        {
            Interlocked.Increment(ref _replays);
        }
    }

    public void WriteBackFailed() => Interlocked.Increment(ref _writeBackFailures);

    public void Fence() => Interlocked.Increment(ref _fenced);

    public void Activated() => Interlocked.Increment(ref _activeKeys);

    public void Deactivated() => Interlocked.Decrement(ref _activeKeys);

    public ClusterStatistics Snapshot() => new(
        Volatile.Read(ref _received),
        Volatile.Read(ref _committed),
        Volatile.Read(ref _applied),
        Volatile.Read(ref _duplicates),
        Volatile.Read(ref _rejected),
        Volatile.Read(ref _commitRetries),
        Volatile.Read(ref _unavailable),
        Volatile.Read(ref _writeBacks),
        Volatile.Read(ref _replays),
        Volatile.Read(ref _writeBackFailures),
        Volatile.Read(ref _fenced),
        Volatile.Read(ref _activeKeys));

    public void Dispose() => _meter.Dispose();
}
