namespace NgsiFlow.Jobs;

/// <summary>
/// What a job file's job has done so far: updates seen, predictions made, updates skipped (with the last reason) and
/// errors. Thread-safe; read <see cref="Snapshot"/> for a consistent view.
/// </summary>
public sealed class JobCounters
{
    private long _events;
    private long _predictions;
    private long _skipped;
    private long _errors;
    private string? _lastSkip;
    private string? _lastError;

    /// <summary>The counts now.</summary>
    public JobCountersSnapshot Snapshot() => new(
        Interlocked.Read(ref _events),
        Interlocked.Read(ref _predictions),
        Interlocked.Read(ref _skipped),
        Interlocked.Read(ref _errors),
        Volatile.Read(ref _lastSkip),
        Volatile.Read(ref _lastError));

    internal void Event() => Interlocked.Increment(ref _events);

    internal void Prediction() => Interlocked.Increment(ref _predictions);

    internal void Skip(string reason)
    {
        Interlocked.Increment(ref _skipped);
        Volatile.Write(ref _lastSkip, reason);
    }

    internal void Error(string message)
    {
        Interlocked.Increment(ref _errors);
        Volatile.Write(ref _lastError, message);
    }
}

/// <summary>A job's counts at one moment.</summary>
/// <param name="Events">Updates applied.</param>
/// <param name="Predictions">Model scorings.</param>
/// <param name="Skipped">Updates that produced nothing: a feature missing, no event time, too late for their window.</param>
/// <param name="Errors">Scorings or templates that failed.</param>
/// <param name="LastSkipReason">Why the last skipped update was skipped, or null.</param>
/// <param name="LastError">The last error, or null.</param>
public sealed record JobCountersSnapshot(long Events, long Predictions, long Skipped, long Errors, string? LastSkipReason, string? LastError);
