using System.Diagnostics;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;
using Orleans.Runtime;

namespace NgsiFlow.Cluster.Internal;

/// <summary>
/// The owner of one key's state. Orleans keeps at most one activation per key in the cluster and moves it when its node
/// dies; the state, the recent idempotency keys and the outbox are stored with an ETag, so an activation that lost
/// ownership (a paused node waking up) cannot overwrite its successor's state: its write is refused.
/// </summary>
internal sealed class KeyGrain(
    [PersistentState("key", ClusterNodeOptions.StorageName)] IPersistentState<KeyGrainState> store,
    ClusterRuntime runtime) : Grain, IKeyGrain
{
    private ClusterJob _job = null!;
    private string _key = string.Empty;
    private object? _state;
    private HashSet<string> _recent = new(StringComparer.Ordinal);
    private long _sentUpTo;
    private long _replayUpTo;
    private long _lastStoreContact;
    private bool _writing;
    private bool _broken;
    private Task _drain = Task.CompletedTask;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (job, key) = ClusterRuntime.SplitGrainKey(this.GetPrimaryKeyString());
        _job = runtime.Jobs.Get(job);
        _key = key;
        Loaded();
        runtime.Counters.Activated();
        var pending = store.State.Outbox.Count;
        if (pending > 0)
        {
            // The previous owner stored these but may have sent some of them before it went: send all again, counted.
            _replayUpTo = store.State.LastOutboxSeq;
            ClusterLog.Replaying(runtime.Logger, _job.Name, _key, pending, store.State.LastOutboxSeq);
            StartDrain();
        }

        return Task.CompletedTask;
    }

    public async Task<ApplyOutcome> ApplyAsync(EventEnvelope e)
    {
        if (_broken)
        {
            throw new InvalidOperationException($"The activation of key '{_key}' of job '{_job.Name}' is being replaced; call again.");
        }

        if (e.IdempotencyKey is { } id && _recent.Contains(id))
        {
            runtime.Counters.Duplicate();
            return ApplyOutcome.Duplicate;
        }

        var s = store.State;
        var state = _state ?? _job.NewState(_key);
        var writes = new List<WriteBack>();
        try
        {
            _job.Apply(_key, state, e.ToEvent(), writes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The job's code or the entity is at fault, not the cluster: retrying would fail again. Restore the state
            // the job may have half-changed from its stored form.
            ClusterLog.ApplyFailed(runtime.Logger, ex, _job.Name, _key);
            runtime.Counters.Rejected();
            _state = s.State is null ? null : _job.ReadState(s.State);
            return ApplyOutcome.Rejected;
        }

        // Entries already sent leave the outbox with this write.
        s.Outbox.RemoveAll(o => o.Seq <= _sentUpTo);
        s.State = _job.WriteState(state);
        if (e.IdempotencyKey is { } key)
        {
            s.RecentKeys.Add(key);
            _recent.Add(key);
            while (s.RecentKeys.Count > _job.RememberedKeys)
            {
                _recent.Remove(s.RecentKeys[0]);
                s.RecentKeys.RemoveAt(0);
            }
        }

        foreach (var w in writes)
        {
            s.Outbox.Add(WriteBacks.ToEntry(w, ++s.LastOutboxSeq));
        }

        s.Applied++;
        _writing = true;
        try
        {
            await store.WriteStateAsync().ConfigureAwait(true);
        }
        catch (Exception ex)
        {
            // Refused (another activation wrote since: ETag) or not known to be stored (store unreachable, timeout).
            // Either way this activation's view may be wrong: drop it, so that the retried call reads the store again.
            ClusterLog.StoreFailed(runtime.Logger, ex, _job.Name, _key);
            _broken = true;
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _writing = false;
        }

        _state = state;
        _lastStoreContact = Stopwatch.GetTimestamp();
        runtime.Counters.Applied();
        if (writes.Count > 0)
        {
            StartDrain();
        }

        return ApplyOutcome.Applied;
    }

    public Task<KeySnapshot> GetAsync() =>
        Task.FromResult(new KeySnapshot(store.State.State, store.State.Applied, store.State.Outbox.Count(o => o.Seq > _sentUpTo)));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        runtime.Counters.Deactivated();
        if (_broken)
        {
            return;
        }

        // A graceful hand-over (node stopping, idle collection): send what is left and store that it was sent, so that
        // the next owner replays nothing.
        try
        {
            await _drain.WaitAsync(cancellationToken).ConfigureAwait(true);
            if (!_broken && store.State.Outbox.RemoveAll(o => o.Seq <= _sentUpTo) > 0)
            {
                await store.WriteStateAsync().ConfigureAwait(true);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Out of time or store: the next owner sends the rest again, counted as replays.
            ClusterLog.HandOverIncomplete(runtime.Logger, ex, _job.Name, _key, reason.ReasonCode.ToString());
        }
    }

    private void Loaded()
    {
        var s = store.State;
        _state = s.State is null ? null : _job.ReadState(s.State);
        _recent = new HashSet<string>(s.RecentKeys, StringComparer.Ordinal);
        _sentUpTo = s.Outbox.Count > 0 ? s.Outbox[0].Seq - 1 : s.LastOutboxSeq;
        _lastStoreContact = Stopwatch.GetTimestamp();
    }

    private void StartDrain()
    {
        if (_drain.IsCompleted)
        {
            _drain = DrainAsync();
        }
    }

    private async Task DrainAsync()
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!_broken)
        {
            var entry = store.State.Outbox.Find(o => o.Seq > _sentUpTo);
            if (entry is null)
            {
                return;
            }

            if (!_writing && Stopwatch.GetElapsedTime(_lastStoreContact) > runtime.Options.Lease && !await StillOwnerAsync().ConfigureAwait(true))
            {
                return;
            }

            try
            {
                await WriteBacks.SendAsync(runtime.Replier, WriteBacks.FromEntry(entry), CancellationToken.None).ConfigureAwait(true);
                _sentUpTo = entry.Seq;
                runtime.Counters.WriteBack(entry.Seq <= _replayUpTo);
                delay = TimeSpan.FromMilliseconds(100);
            }
            catch (WriteBackException ex)
            {
                // The replier retried and dead-lettered it: it will not succeed by sending it again.
                ClusterLog.WriteBackGivenUp(runtime.Logger, ex, _job.Name, _key);
                runtime.Counters.WriteBackFailed();
                _sentUpTo = entry.Seq;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ClusterLog.WriteBackRetry(runtime.Logger, ex, _job.Name, _key, delay.TotalMilliseconds);
                await Task.Delay(delay).ConfigureAwait(true);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>Reads the stored state's ETag: if another activation wrote since, this one lost ownership.</summary>
    private async Task<bool> StillOwnerAsync()
    {
        var etag = store.Etag;
        try
        {
            await store.ReadStateAsync().ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Cannot tell: do not write back until the store answers (the next call or drain tries again).
            ClusterLog.StoreFailed(runtime.Logger, ex, _job.Name, _key);
            _broken = true;
            DeactivateOnIdle();
            return false;
        }

        if (!string.Equals(store.Etag, etag, StringComparison.Ordinal))
        {
            ClusterLog.FencedOff(runtime.Logger, _job.Name, _key);
            runtime.Counters.Fence();
            _broken = true;
            DeactivateOnIdle();
            return false;
        }

        _lastStoreContact = Stopwatch.GetTimestamp();
        return true;
    }
}
