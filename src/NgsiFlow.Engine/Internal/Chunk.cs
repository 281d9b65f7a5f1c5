using System.Runtime.CompilerServices;

namespace NgsiFlow.Engine.Internal;

/// <summary>
/// The unit that moves between operators and stages: an array of events (Trill's batch), optionally with the
/// source position of each event, and the acknowledgement handle of the events it derives from.
/// </summary>
/// <remarks>
/// Chunks are pooled and reference counted so that a chunk pushed to several consumers (multicast, lanes,
/// a hop to another stage) returns to its pool exactly once. A consumer that keeps a chunk beyond the call
/// that handed it over must <see cref="Retain"/> it first.
/// </remarks>
internal sealed class Chunk<T>
{
    private int _references;

    public Chunk(ChunkPool<T> pool, int capacity)
    {
        Pool = pool;
        Items = new T[capacity];
    }

    public ChunkPool<T> Pool { get; }

    public T[] Items { get; }

    public int Count;

    /// <summary>Per event source positions; present only while events still map one to one to source items.</summary>
    public long[]? Positions;

    public bool HasPositions;

    public AckHandle? Ack;

    public int Capacity => Items.Length;

    public bool IsFull => Count == Items.Length;

    public Span<T> Span => Items.AsSpan(0, Count);

    public ReadOnlyMemory<T> Memory => Items.AsMemory(0, Count);

    public void Reset() => _references = 1;

    public void Retain() => Interlocked.Increment(ref _references);

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left > 0)
        {
            return;
        }

        var ack = Ack;
        Ack = null;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            Array.Clear(Items, 0, Count);
        }

        Count = 0;
        HasPositions = false;
        Pool.Return(this);
        ack?.Release();
    }

    /// <summary>Makes this chunk share the acknowledgement of <paramref name="source"/> (a derived chunk).</summary>
    public void InheritAck(Chunk<T> source) => InheritAck(source.Ack);

    public void InheritAck(AckHandle? ack)
    {
        if (ack is not null)
        {
            ack.Retain();
            Ack = ack;
        }
    }

    public void EnsurePositions()
    {
        Positions ??= new long[Items.Length];
        HasPositions = true;
    }

    /// <summary>Appends an event; the caller checks <see cref="IsFull"/> first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T item) => Items[Count++] = item;
}
