using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine;

/// <summary>
/// A snapshot plus the acknowledgements of the events absorbed into it, released by <see cref="Commit"/> once the
/// snapshot is stored (Flink's checkpoint-then-commit). Not committing leaves those events unacknowledged, so that
/// their source delivers them again if the job dies before they are emitted.
/// </summary>
public sealed class JobCheckpoint
{
    private List<AckHandle>? _held;

    internal JobCheckpoint(JobSnapshot snapshot, List<AckHandle> held)
    {
        Snapshot = snapshot;
        _held = held;
    }

    /// <summary>The state captured.</summary>
    public JobSnapshot Snapshot { get; }

    /// <summary>How many chunks of events wait for <see cref="Commit"/> (0 after it).</summary>
    public int PendingChunks => Volatile.Read(ref _held)?.Count ?? 0;

    /// <summary>Acknowledges (once everything else derived from them is written) the events held in the snapshot's
    /// windows. Call it after the snapshot is stored durably; calling it again does nothing.</summary>
    public void Commit()
    {
        var held = Interlocked.Exchange(ref _held, null);
        if (held is null)
        {
            return;
        }

        foreach (var handle in held)
        {
            handle.Release();
        }
    }
}
