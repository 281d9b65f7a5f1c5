namespace NgsiFlow.Engine;

/// <summary>
/// The events of one micro-batch (Spark's batch interval / foreachBatch), in arrival order. The items are pooled
/// memory: valid until every result derived from the batch was written; copy them to keep them longer.
/// </summary>
/// <typeparam name="T">The type of the events.</typeparam>
public sealed class MicroBatch<T>
{
    internal MicroBatch(long id, DateTimeOffset start, DateTimeOffset end, ReadOnlyMemory<T> items)
    {
        Id = id;
        Start = start;
        End = end;
        Items = items;
    }

    /// <summary>The batch's sequence number in this operator (0, 1, 2...).</summary>
    public long Id { get; }

    /// <summary>When the batch opened (processing time).</summary>
    public DateTimeOffset Start { get; }

    /// <summary>When it closed: the end of its interval, or the moment it reached its size limit or the job stopped.</summary>
    public DateTimeOffset End { get; }

    /// <summary>The events.</summary>
    public ReadOnlyMemory<T> Items { get; }

    /// <summary>The number of events.</summary>
    public int Count => Items.Length;
}
