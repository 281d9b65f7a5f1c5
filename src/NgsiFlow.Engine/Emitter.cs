using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine;

/// <summary>Where a per-key processor writes its results (zero or more per event).</summary>
/// <typeparam name="TOut">The type of the results.</typeparam>
public sealed class Emitter<TOut>
{
    private readonly ChunkPool<TOut> _pool;
    private readonly List<Chunk<TOut>> _ready = [];
    private Chunk<TOut>? _current;
    private AckHandle? _ack;
    private long _position;
    private bool _hasPosition;

    internal Emitter(ChunkPool<TOut> pool) => _pool = pool;

    internal List<Chunk<TOut>> Ready => _ready;

    /// <summary>Emits a result.</summary>
    /// <param name="result">The result.</param>
    public void Emit(TOut result)
    {
        var chunk = _current;
        if (chunk is null || chunk.IsFull)
        {
            if (chunk is not null)
            {
                _ready.Add(chunk);
            }

            chunk = _current = _pool.Rent();
            chunk.InheritAck(_ack);
            if (_hasPosition)
            {
                chunk.EnsurePositions();
            }
        }

        if (_hasPosition)
        {
            chunk.Positions![chunk.Count] = _position;
        }

        chunk.Add(result);
    }

    internal void Begin(AckHandle? ack)
    {
        _ack = ack;
        _hasPosition = false;
    }

    internal void At(long position)
    {
        _hasPosition = true;
        _position = position;
    }

    internal void Finish()
    {
        if (_current is { Count: > 0 } chunk)
        {
            _ready.Add(chunk);
        }
        else
        {
            _current?.Release();
        }

        _current = null;
    }
}

/// <summary>Processes one event of a key with that key's state (Flink's KeyedProcessFunction).</summary>
/// <typeparam name="TKey">The type of the key.</typeparam>
/// <typeparam name="TState">The type of the per-key state.</typeparam>
/// <typeparam name="T">The type of the events.</typeparam>
/// <typeparam name="TOut">The type of the results.</typeparam>
/// <param name="key">The event's key.</param>
/// <param name="state">The key's state, updated in place.</param>
/// <param name="item">The event.</param>
/// <param name="output">Where to emit results.</param>
public delegate void KeyedProcessor<TKey, TState, T, TOut>(TKey key, ref TState state, T item, Emitter<TOut> output);

/// <summary>A value computed for a key.</summary>
/// <typeparam name="TKey">The type of the key.</typeparam>
/// <typeparam name="TValue">The type of the value.</typeparam>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public readonly record struct KeyedValue<TKey, TValue>(TKey Key, TValue Value);
