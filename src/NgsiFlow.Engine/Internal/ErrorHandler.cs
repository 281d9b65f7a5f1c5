using System.Runtime.CompilerServices;
namespace NgsiFlow.Engine.Internal;

/// <summary>Applies a stage's <see cref="ErrorPolicy"/> to an event whose function or action failed.</summary>
internal sealed class ErrorHandler(
    string job,
    string stage,
    ErrorPolicy policy,
    OperatorCounters counters,
    Func<DeadLetter, CancellationToken, ValueTask>? deadLetters,
    TimeProvider clock)
{
    public ErrorPolicy Policy { get; } = policy;

    public int MaxRetries => Policy.MaxRetries;

    public void CountRetry() => Interlocked.Increment(ref counters.Retried);

    public Task DelayBeforeRetryAsync(CancellationToken cancellationToken) =>
        Policy.RetryDelay > TimeSpan.Zero ? Task.Delay(Policy.RetryDelay, clock, cancellationToken) : Task.CompletedTask;

    /// <summary>Retries a synchronous function; returns true with its result when an attempt succeeds.</summary>
    public bool TryRetry<TIn, TOut>(Func<TIn, TOut> function, TIn item, out TOut result, ref Exception error)
    {
        for (var attempt = 0; attempt < Policy.MaxRetries; attempt++)
        {
            CountRetry();
            try
            {
                result = function(item);
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error = e;
            }
        }

        result = default!;
        return false;
    }

    /// <summary>Applies the outcome once retries are used up; throws for <see cref="ErrorOutcome.Fail"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask GiveUpAsync(object? item, Exception error, AckHandle? ack, long? position, CancellationToken cancellationToken)
    {
        switch (Policy.Outcome)
        {
            case ErrorOutcome.Skip:
                Interlocked.Increment(ref counters.Skipped);
                return;
            case ErrorOutcome.DeadLetter:
                Interlocked.Increment(ref counters.DeadLettered);
                if (deadLetters is null)
                {
                    throw new StreamJobException(job, stage, "the error policy sends to dead letters but StreamJobOptions.DeadLetterHandler is not set", error);
                }

                await deadLetters(new DeadLetter(job, stage, item, error, position), cancellationToken).ConfigureAwait(false);
                return;
            case ErrorOutcome.Reject:
                Interlocked.Increment(ref counters.Rejected);
                if (ack is SourceAckGroup group && position is { } p)
                {
                    group.Reject(p, error);
                }

                return;
            default:
                Interlocked.Increment(ref counters.Failed);
                throw new StreamJobException(job, stage, error.Message, error);
        }
    }
}
