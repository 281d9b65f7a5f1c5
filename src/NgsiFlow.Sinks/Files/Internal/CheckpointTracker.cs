namespace NgsiFlow.Sinks.Files.Internal;

/// <summary>
/// Tracks which delivered lines are settled (acknowledged or rejected), in any order, and the checkpoint: the
/// last line before the first unsettled one, from which a replay can resume.
/// </summary>
internal sealed class CheckpointTracker(long start)
{
    private readonly SortedSet<long> _outstanding = [];
    private readonly object _gate = new();
    private long _lastDelivered = start;

    public long Checkpoint
    {
        get
        {
            lock (_gate)
            {
                return _outstanding.Count == 0 ? _lastDelivered : _outstanding.Min - 1;
            }
        }
    }

    public void Delivered(long position)
    {
        lock (_gate)
        {
            _outstanding.Add(position);
            _lastDelivered = Math.Max(_lastDelivered, position);
        }
    }

    /// <summary>Marks a line that was read but not delivered (a rejected bad row) as passed.</summary>
    public void Skipped(long position)
    {
        lock (_gate)
        {
            _lastDelivered = Math.Max(_lastDelivered, position);
        }
    }

    public void Settle(long position, string source)
    {
        lock (_gate)
        {
            if (!_outstanding.Remove(position))
            {
                throw new ArgumentException($"Source '{source}' has no unsettled record at line {position}: it was never delivered, or was already acknowledged or rejected.", nameof(position));
            }
        }
    }
}
