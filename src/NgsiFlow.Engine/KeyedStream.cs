namespace NgsiFlow.Engine;

/// <summary>
/// A stream whose events are grouped by a key: windows, aggregates and per-key state apply per key, and
/// parallel stages route every event of one key to the same lane so that per-key order is preserved.
/// </summary>
/// <typeparam name="TKey">The type of the key.</typeparam>
/// <typeparam name="T">The type of the events.</typeparam>
public sealed class KeyedStream<TKey, T> : Stream<T>
    where TKey : notnull
{
    internal KeyedStream(StreamJob job, string name, Func<T, TKey> keySelector, int parallelism)
        : base(job, name)
    {
        KeySelector = keySelector;
        Parallelism = parallelism;
        KeyHash = item => StableHash.Of(keySelector(item));
    }

    /// <summary>Extracts the key of an event.</summary>
    public Func<T, TKey> KeySelector { get; }

    /// <summary>The number of lanes the keyed operators after this stream run in.</summary>
    public int Parallelism { get; }
}
