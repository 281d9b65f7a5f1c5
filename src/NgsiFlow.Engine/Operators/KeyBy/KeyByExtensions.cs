using NgsiFlow.Engine.Operators.KeyBy;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>The KeyBy operator.</summary>
public static class KeyByExtensions
{
    /// <summary>
    /// Groups the stream by key for windows, aggregates and per-key state. With <paramref name="parallelism"/> above 1,
    /// the keyed operators after it run in that many lanes (threads), every key always in the same lane, so order per
    /// key is preserved.
    /// </summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="keySelector">Extracts the key; must not block or return null.</param>
    /// <param name="parallelism">The number of lanes; default 1 (the keyed operators run in the upstream stage).</param>
    /// <param name="name">The operator's name; default "keyby-N".</param>
    /// <returns>The keyed stream.</returns>
    public static KeyedStream<TKey, T> KeyBy<T, TKey>(this Stream<T> source, Func<T, TKey> keySelector, int parallelism = 1, string? name = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var keyed = new KeyedStream<TKey, T>(source.Job, source.Job.ReserveName(name, "keyby"), keySelector, parallelism)
        {
            EventTime = source.EventTime,
        };
        if (parallelism == 1)
        {
            source.Subscribe(keyed.Instantiate);
        }
        else
        {
            source.Subscribe(context => PartitionOperator<T>.Create(
                context, keyed.Name, context.Counters(keyed.Name, "keyby"), parallelism, keyed.KeyHash, keyed.Instantiate));
        }

        return keyed;
    }
}
