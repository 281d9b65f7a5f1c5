using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.State;

/// <summary>Runs a processor per event with the state of the event's key; the state is part of snapshots.</summary>
internal sealed class KeyedStateOperator<TKey, TState, T, TOut> : Operator<T, TOut>, IStatefulOperator
    where TKey : notnull
{
    private readonly Dictionary<TKey, TState> _states = [];
    private readonly Func<T, TKey> _keyOf;
    private readonly Func<TKey, TState> _initial;
    private readonly KeyedProcessor<TKey, TState, T, TOut> _process;
    private readonly Emitter<TOut> _emitter;
    private readonly OperatorCounters _counters;
    private readonly ErrorHandler _errors;
    private readonly StreamJobOptions _options;

    public KeyedStateOperator(
        string name,
        Func<T, TKey> keyOf,
        Func<TKey, TState> initial,
        KeyedProcessor<TKey, TState, T, TOut> process,
        BuildContext context,
        ChunkObserver<TOut> next,
        ErrorPolicy? onError)
        : base(next)
    {
        Name = name;
        _keyOf = keyOf;
        _initial = initial;
        _process = process;
        _emitter = new Emitter<TOut>(context.Pools.Get<TOut>());
        _counters = context.Counters(name, "state");
        _errors = context.Errors(name, "state", onError);
        _options = context.Options;
        context.Stateful.Add(this);
        foreach (var data in context.RestoredSegments(name))
        {
            foreach (var entry in _options.StateSerializer.Deserialize<List<KeyStateEntry<TKey, TState>>>(data))
            {
                if (context.OwnsKeyHash(StableHash.Of(entry.Key)))
                {
                    _states[entry.Key] = entry.State;
                }
            }
        }
    }

    public string Name { get; }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        _emitter.Begin(chunk.Ack);
        try
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                var item = chunk.Items[i];
                if (chunk.HasPositions)
                {
                    _emitter.At(chunk.Positions![i]);
                }

                var attempts = 0;
                while (true)
                {
                    try
                    {
                        var key = _keyOf(item);
                        ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_states, key, out var exists)!;
                        if (!exists)
                        {
                            state = _initial(key);
                        }

                        _process(key, ref state, item, _emitter);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        if (attempts++ < _errors.MaxRetries)
                        {
                            _errors.CountRetry();
                            continue;
                        }

                        await _errors.GiveUpAsync(item, e, chunk.Ack, chunk.HasPositions ? chunk.Positions![i] : null, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                }
            }
        }
        finally
        {
            _emitter.Finish();
        }

        _counters.AddIn(chunk.Count);
        var ready = _emitter.Ready;
        try
        {
            for (var i = 0; i < ready.Count; i++)
            {
                var output = ready[i];
                ready[i] = null!;
                _counters.AddOut(output.Count);
                await EmitAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var left in ready)
            {
                left?.Release();
            }

            ready.Clear();
        }
    }

    public void TakeHeldAcknowledgements(List<AckHandle> into)
    {
        // Results are emitted per event, so no acknowledgement waits in this operator.
    }

    public void Capture(Action<int, byte[]> addSegment)
    {
        var segments = new Dictionary<int, List<KeyStateEntry<TKey, TState>>>();
        foreach (var (key, state) in _states)
        {
            var partition = StableHash.PartitionOf(key, _options.PartitionCount);
            if (!segments.TryGetValue(partition, out var entries))
            {
                segments[partition] = entries = [];
            }

            entries.Add(new KeyStateEntry<TKey, TState> { Key = key, State = state });
        }

        foreach (var (partition, entries) in segments)
        {
            addSegment(partition, _options.StateSerializer.Serialize(entries));
        }
    }
}

/// <summary>The state of one key in a snapshot.</summary>
internal sealed class KeyStateEntry<TKey, TState>
{
    public TKey Key { get; set; } = default!;

    public TState State { get; set; } = default!;
}
