using NgsiFlow.Engine.Operators.Batch;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>The Batch operator: micro-batches on a processing-time interval and/or a size (Spark's batch interval).</summary>
public static class BatchExtensions
{
    /// <summary>
    /// Groups events into micro-batches that close every <paramref name="interval"/> (aligned to multiples of it on
    /// the job's clock) or when they hold <paramref name="maxCount"/> events, whichever comes first. Empty intervals
    /// emit nothing. Follow with <c>ForEachAsync</c> for Spark's foreachBatch.
    /// </summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="interval">The batch interval; null for size-only batches.</param>
    /// <param name="maxCount">The largest batch; default unlimited (with an interval).</param>
    /// <param name="name">The operator's name; default "batch-N".</param>
    /// <returns>The stream of micro-batches.</returns>
    public static Stream<MicroBatch<T>> Batch<T>(this Stream<T> source, TimeSpan? interval, int maxCount = int.MaxValue, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (interval is null && maxCount == int.MaxValue)
        {
            throw new ArgumentException("A batch needs an interval, a maxCount, or both.", nameof(interval));
        }

        if (interval is { } i && i <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The batch interval must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var result = source.Derive<MicroBatch<T>>(name, "batch");
        source.Subscribe(context => new BatchOperator<T>(
            interval,
            maxCount,
            context.Options.FlushOpenWindowsOnStop,
            context.Clock,
            result.Instantiate(context),
            context.Pools.Get<MicroBatch<T>>(),
            context.Counters(result.Name, "batch")));
        return result;
    }

    /// <summary>Spark's foreachBatch: micro-batches every <paramref name="interval"/>, each handed to <paramref name="action"/>.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="interval">The batch interval.</param>
    /// <param name="action">The action; the batch's events count as done when its task completes.</param>
    /// <param name="name">The operator's name; default "batch-N".</param>
    /// <param name="onError">What to do when <paramref name="action"/> throws; default the job's.</param>
    public static void ForEachBatchAsync<T>(this Stream<T> source, TimeSpan interval, Func<MicroBatch<T>, CancellationToken, ValueTask> action, string? name = null, ErrorPolicy? onError = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        source.Batch(interval, name: name).ForEachAsync(action, onError: onError);
    }
}
