using NgsiFlow.Engine.Operators.State;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>Per-key state: a processor per event with its key's state, and common uses of it.</summary>
public static class KeyedStateExtensions
{
    /// <summary>
    /// Processes every event with the state of its key (created by <paramref name="initialState"/> on the key's first
    /// event), emitting zero or more results. The state is captured by <see cref="StreamJob.SnapshotAsync"/>, so it
    /// must be serializable by the job's <see cref="IStateSerializer"/>.
    /// </summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <typeparam name="TState">The type of the per-key state.</typeparam>
    /// <typeparam name="TOut">The type of the results.</typeparam>
    /// <param name="source">The keyed stream.</param>
    /// <param name="initialState">The state of a new key.</param>
    /// <param name="process">The processor.</param>
    /// <param name="name">The operator's name; default "state-N". Keep it stable to restore snapshots.</param>
    /// <param name="onError">What to do when <paramref name="process"/> throws; default the job's.</param>
    /// <returns>The results, keyed like the source.</returns>
    public static Stream<TOut> Process<TKey, T, TState, TOut>(
        this KeyedStream<TKey, T> source,
        Func<TKey, TState> initialState,
        KeyedProcessor<TKey, TState, T, TOut> process,
        string? name = null,
        ErrorPolicy? onError = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(initialState);
        ArgumentNullException.ThrowIfNull(process);
        var result = source.Derive<TOut>(name, "state");
        source.Subscribe(context => new KeyedStateOperator<TKey, TState, T, TOut>(
            result.Name, source.KeySelector, initialState, process, context, result.Instantiate(context), onError));
        return result;
    }

    /// <summary>After every event, the last <paramref name="count"/> values of its key (oldest first).</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <typeparam name="TValue">The type of the values.</typeparam>
    /// <param name="source">The keyed stream.</param>
    /// <param name="count">How many values to keep per key.</param>
    /// <param name="selector">The value.</param>
    /// <param name="name">The operator's name; default "state-N".</param>
    /// <returns>The key and its last values, per event.</returns>
    public static Stream<KeyedValue<TKey, TValue[]>> LastN<TKey, T, TValue>(this KeyedStream<TKey, T> source, int count, Func<T, TValue> selector, string? name = null)
        where TKey : notnull
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentNullException.ThrowIfNull(selector);
        return source.Process<TKey, T, List<TValue>, KeyedValue<TKey, TValue[]>>(
            _ => new List<TValue>(count),
            (TKey key, ref List<TValue> values, T item, Emitter<KeyedValue<TKey, TValue[]>> output) =>
            {
                if (values.Count == count)
                {
                    values.RemoveAt(0);
                }

                values.Add(selector(item));
                output.Emit(new KeyedValue<TKey, TValue[]>(key, [.. values]));
            },
            name);
    }

    /// <summary>After every event, the running statistics (count, mean, variance, min, max) of a value of its key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The keyed stream.</param>
    /// <param name="selector">The value.</param>
    /// <param name="name">The operator's name; default "state-N".</param>
    /// <returns>The key and its statistics so far, per event.</returns>
    public static Stream<KeyedValue<TKey, RunningStatistics>> RunningStatistics<TKey, T>(this KeyedStream<TKey, T> source, Func<T, double> selector, string? name = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(selector);
        return source.Process<TKey, T, RunningStatistics, KeyedValue<TKey, RunningStatistics>>(
            _ => default,
            (TKey key, ref RunningStatistics statistics, T item, Emitter<KeyedValue<TKey, RunningStatistics>> output) =>
            {
                statistics.Add(selector(item));
                output.Emit(new KeyedValue<TKey, RunningStatistics>(key, statistics));
            },
            name);
    }
}
