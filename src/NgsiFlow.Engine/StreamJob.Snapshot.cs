namespace NgsiFlow.Engine;

public sealed partial class StreamJob
{
    private readonly SemaphoreSlim _snapshotLock = new(1, 1);
    private JobSnapshot? _restore;

    /// <summary>
    /// Restores operator state from a snapshot (possibly restricted with <see cref="JobSnapshot.ForPartitions"/>)
    /// before the job starts. Operators are matched by name, so the job must be defined the same way.
    /// </summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <exception cref="ArgumentException">The snapshot was taken with another partition count.</exception>
    public void Restore(JobSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        EnsureNotStarted();
        if (snapshot.PartitionCount != Options.PartitionCount)
        {
            throw new ArgumentException(
                $"The snapshot has {snapshot.PartitionCount} partitions but the job '{Name}' has PartitionCount {Options.PartitionCount}.",
                nameof(snapshot));
        }

        _restore = snapshot;
    }

    /// <summary>
    /// Takes a consistent snapshot of every stateful operator: inputs pause (writers may still fill them up to
    /// capacity), what is in flight is processed, the state is captured, and the inputs resume.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The snapshot.</returns>
    public async Task<JobSnapshot> SnapshotAsync(CancellationToken cancellationToken) =>
        (await CaptureAsync(takeAcknowledgements: false, cancellationToken).ConfigureAwait(false)).Snapshot;

    /// <summary>
    /// Takes a snapshot whose events no longer wait for their windows to be acknowledged: once the caller has stored
    /// <see cref="JobCheckpoint.Snapshot"/> it calls <see cref="JobCheckpoint.Commit"/>, and the events already
    /// absorbed into window state are acknowledged to their source (they live on in the snapshot). This is how a
    /// worker hands a partition over without the new owner counting those events twice: checkpoint, store, commit,
    /// stop with <see cref="StreamJobOptions.FlushOpenWindowsOnStop"/> false; the new owner restores the snapshot.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The checkpoint, to commit after storing its snapshot.</returns>
    public Task<JobCheckpoint> CheckpointAsync(CancellationToken cancellationToken) => CaptureAsync(takeAcknowledgements: true, cancellationToken);

    private async Task<JobCheckpoint> CaptureAsync(bool takeAcknowledgements, CancellationToken cancellationToken)
    {
        if (!IsStarted)
        {
            throw new InvalidOperationException($"The job '{Name}' has not started; there is no state to snapshot.");
        }

        await _snapshotLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var input in _inputs)
            {
                input.Pause(true);
            }

            try
            {
                var quietRounds = 0;
                while (quietRounds < 2 && !Completion.IsCompleted)
                {
                    quietRounds = IsQuiet(includeInputs: false) ? quietRounds + 1 : 0;
                    await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                }

                var operators = new Dictionary<string, List<StateSegment>>(StringComparer.Ordinal);
                var held = new List<Internal.AckHandle>();
                foreach (var op in _stateful)
                {
                    if (!operators.TryGetValue(op.Name, out var segments))
                    {
                        operators[op.Name] = segments = [];
                    }

                    op.Capture((partition, data) => segments.Add(new StateSegment(partition, data)));
                    if (takeAcknowledgements)
                    {
                        op.TakeHeldAcknowledgements(held);
                    }
                }

                var snapshot = new JobSnapshot
                {
                    Job = Name,
                    TakenAt = Options.TimeProvider.GetUtcNow(),
                    PartitionCount = Options.PartitionCount,
                    Operators = [.. operators.Select(o => new OperatorSnapshot { Name = o.Key, Segments = o.Value })],
                };
                return new JobCheckpoint(snapshot, held);
            }
            finally
            {
                foreach (var input in _inputs)
                {
                    input.Pause(false);
                }
            }
        }
        finally
        {
            _snapshotLock.Release();
        }
    }

    internal IEnumerable<byte[]> RestoredSegments(string name)
    {
        if (_restore is null)
        {
            return [];
        }

        return _restore.Operators.Where(o => o.Name == name).SelectMany(o => o.Segments).Select(s => s.Data);
    }

    private void ValidateRestore()
    {
        if (_restore is null)
        {
            return;
        }

        foreach (var op in _restore.Operators)
        {
            if (!_stateful.Any(s => s.Name == op.Name))
            {
                throw new InvalidOperationException(
                    $"The snapshot holds state for the operator '{op.Name}', which the job '{Name}' does not define; define the job as when the snapshot was taken.");
            }
        }
    }
}
