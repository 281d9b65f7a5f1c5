namespace NgsiFlow.Engine.Internal;

/// <summary>A bounded pool of chunks of one size, so that steady state streaming allocates nothing per chunk.</summary>
internal sealed class ChunkPool<T>
{
    private readonly Stack<Chunk<T>> _free = new();
    private readonly int _maxRetained;

    public ChunkPool(int chunkSize, int maxRetained = 256)
    {
        ChunkSize = chunkSize;
        _maxRetained = maxRetained;
    }

    public int ChunkSize { get; }

    public Chunk<T> Rent()
    {
        Chunk<T>? chunk = null;
        lock (_free)
        {
            _free.TryPop(out chunk);
        }

        chunk ??= new Chunk<T>(this, ChunkSize);
        chunk.Reset();
        return chunk;
    }

    /// <summary>Rents a chunk that carries the acknowledgement (and positions, if any) of <paramref name="source"/>.</summary>
    public Chunk<T> RentDerived<TSource>(Chunk<TSource> source)
    {
        var chunk = Rent();
        chunk.InheritAck(source.Ack);
        if (source.HasPositions)
        {
            chunk.EnsurePositions();
        }

        return chunk;
    }

    public void Return(Chunk<T> chunk)
    {
        lock (_free)
        {
            if (_free.Count < _maxRetained)
            {
                _free.Push(chunk);
            }
        }
    }
}

/// <summary>The chunk pools of one running job, one per event type.</summary>
internal sealed class ChunkPools(int chunkSize)
{
    private readonly Dictionary<Type, object> _pools = [];

    public int ChunkSize { get; } = chunkSize;

    public ChunkPool<T> Get<T>()
    {
        lock (_pools)
        {
            if (!_pools.TryGetValue(typeof(T), out var pool))
            {
                pool = new ChunkPool<T>(ChunkSize);
                _pools.Add(typeof(T), pool);
            }

            return (ChunkPool<T>)pool;
        }
    }
}
