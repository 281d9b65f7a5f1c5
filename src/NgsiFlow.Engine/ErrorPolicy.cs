namespace NgsiFlow.Engine;

/// <summary>What a stage does with an event once its function or action failed and the retries are used up.</summary>
public enum ErrorOutcome
{
    /// <summary>Stop the job: <see cref="StreamJob.Completion"/> faults with the error. Unacknowledged events stay unacknowledged.</summary>
    Fail,

    /// <summary>Drop the event and go on; it counts as processed (acknowledged to its source).</summary>
    Skip,

    /// <summary>Hand the event to <see cref="StreamJobOptions.DeadLetterHandler"/>, then go on (acknowledged once handled).</summary>
    DeadLetter,

    /// <summary>Drop the event and tell its source (<see cref="IStreamSource{T}.RejectAsync"/>) when the source position is known.</summary>
    Reject,
}

/// <summary>
/// The error policy of a stage: how many times to retry a failing function or action, how long to wait between
/// attempts (async actions only), and what to do then. Every outcome is counted (see <see cref="OperatorStatistics"/>).
/// </summary>
public sealed class ErrorPolicy
{
    private ErrorPolicy(ErrorOutcome outcome, int maxRetries, TimeSpan retryDelay)
    {
        Outcome = outcome;
        MaxRetries = maxRetries;
        RetryDelay = retryDelay;
    }

    /// <summary>Stop the job on the first error (the default).</summary>
    public static ErrorPolicy Fail { get; } = new(ErrorOutcome.Fail, 0, TimeSpan.Zero);

    /// <summary>Skip failing events.</summary>
    public static ErrorPolicy Skip { get; } = new(ErrorOutcome.Skip, 0, TimeSpan.Zero);

    /// <summary>Send failing events to the job's dead-letter handler.</summary>
    public static ErrorPolicy DeadLetter { get; } = new(ErrorOutcome.DeadLetter, 0, TimeSpan.Zero);

    /// <summary>Reject failing events to their source.</summary>
    public static ErrorPolicy Reject { get; } = new(ErrorOutcome.Reject, 0, TimeSpan.Zero);

    /// <summary>What happens after the last retry.</summary>
    public ErrorOutcome Outcome { get; }

    /// <summary>How many times a failing call is attempted again before <see cref="Outcome"/> applies.</summary>
    public int MaxRetries { get; }

    /// <summary>The wait between attempts of an async action (measured with the job's time provider).</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>The same policy, retrying first.</summary>
    /// <param name="maxRetries">Attempts after the first failure (at least 1).</param>
    /// <param name="delay">The wait between attempts of an async action; synchronous functions retry at once.</param>
    /// <returns>The policy.</returns>
    public ErrorPolicy WithRetry(int maxRetries, TimeSpan delay = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new ErrorPolicy(Outcome, maxRetries, delay);
    }

    /// <inheritdoc />
    public override string ToString() => MaxRetries > 0 ? $"{Outcome} after {MaxRetries} retries" : Outcome.ToString();
}

/// <summary>An event that a stage gave up on, handed to <see cref="StreamJobOptions.DeadLetterHandler"/>.</summary>
/// <param name="Job">The job's name.</param>
/// <param name="Stage">The operator that failed.</param>
/// <param name="Item">The event (or batch) that failed.</param>
/// <param name="Error">The last error.</param>
/// <param name="Position">The event's source position, when it came from an <see cref="IStreamSource{T}"/> and is still known.</param>
public sealed record DeadLetter(string Job, string Stage, object? Item, Exception Error, long? Position);
