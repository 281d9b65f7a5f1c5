using System.Runtime.CompilerServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.Window;

/// <summary>
/// What tumbling, sliding and session window operators share: time and watermark handling, late events, emitting
/// results in chunks, holding the acknowledgements of absorbed events until the windows holding them are emitted,
/// and snapshots.
/// </summary>
internal abstract class WindowOperatorBase<TKey, T, TAcc, TOut> : Operator<T, WindowResult<TKey, TOut>>, IStatefulOperator
    where TKey : notnull
{
    private readonly ChunkObserver<T> _lateOutput;
    private readonly ChunkPool<WindowResult<TKey, TOut>> _pool;
    private readonly ChunkPool<T> _inputPool;
    private readonly TimeProvider _clock;
    private readonly bool _flushOnStop;
    private readonly int _partitionCount;
    private readonly IStateSerializer _serializer;
    private readonly List<(AckHandle Handle, long MaxTime)> _held = [];
    private AckBundle? _previous;
    private AckBundle? _current;
    private Chunk<WindowResult<TKey, TOut>>? _output;
    private Chunk<T>? _late;

    protected WindowOperatorBase(WindowSettings<TKey, T, TAcc, TOut> settings, BuildContext context, ChunkObserver<WindowResult<TKey, TOut>> next, ChunkObserver<T> lateOutput)
        : base(next)
    {
        Name = settings.Name;
        KeyOf = settings.KeyOf;
        EventTime = settings.Domain == TimeDomain.EventTime ? settings.EventTime : null;
        Aggregate = settings.Aggregate;
        Lateness = settings.Lateness;
        AllowedLateness = settings.Lateness.Action == LatenessAction.ReemitUpdated ? settings.Lateness.AllowedLateness.Ticks : 0;
        Counters = context.Counters(settings.Name, "window");
        _lateOutput = lateOutput;
        _pool = context.Pools.Get<WindowResult<TKey, TOut>>();
        _inputPool = context.Pools.Get<T>();
        _clock = context.Clock;
        _flushOnStop = context.Options.FlushOpenWindowsOnStop;
        _partitionCount = context.Options.PartitionCount;
        _serializer = context.Options.StateSerializer;
        OwnsKeyHash = context.OwnsKeyHash;
        context.Stateful.Add(this);
    }

    public string Name { get; }

    protected Func<T, TKey> KeyOf { get; }

    /// <summary>Null in processing time.</summary>
    protected Func<T, long>? EventTime { get; }

    protected Aggregate<T, TAcc, TOut> Aggregate { get; }

    protected LatenessPolicy Lateness { get; }

    protected long AllowedLateness { get; }

    protected OperatorCounters Counters { get; }

    protected long Watermark { get; private set; } = long.MinValue;

    protected Func<uint, bool> OwnsKeyHash { get; }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        var now = EventTime is null ? _clock.GetUtcNow().UtcTicks : 0;
        var maxTime = Absorb(chunk, now);
        Counters.AddIn(chunk.Count);
        if (maxTime != long.MinValue && chunk.Ack is { } ack)
        {
            ack.Retain();
            _held.Add((ack, maxTime));
        }

        if (_late is { } late)
        {
            _late = null;
            try
            {
                await _lateOutput.OnChunkAsync(late, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                late.Release();
            }
        }

        await FlushUpdatesAsync(cancellationToken).ConfigureAwait(false);
        if (EventTime is null)
        {
            await AdvanceAsync(now, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RetireAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken)
    {
        // The end of the input moves the watermark to the end of time; without a flush the open windows stay unemitted.
        if (EventTime is not null && (watermark != long.MaxValue || _flushOnStop))
        {
            await AdvanceAsync(watermark, cancellationToken).ConfigureAwait(false);
        }

        await Next.OnWatermarkAsync(watermark, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnTickAsync(long now, CancellationToken cancellationToken)
    {
        if (EventTime is null)
        {
            await AdvanceAsync(now, cancellationToken).ConfigureAwait(false);
        }

        await Next.OnTickAsync(now, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnCompletedAsync(CancellationToken cancellationToken)
    {
        if (_flushOnStop)
        {
            await AdvanceAsync(long.MaxValue, cancellationToken).ConfigureAwait(false);
        }

        // Without a flush, held events stay unacknowledged on purpose: their source delivers them again.
        await Next.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
        await _lateOutput.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Capture(Action<int, byte[]> addSegment)
    {
        var segments = new Dictionary<int, WindowStateSegment<TKey, TAcc>>();
        foreach (var entry in SaveState())
        {
            var partition = StableHash.PartitionOf(entry.Key, _partitionCount);
            if (!segments.TryGetValue(partition, out var segment))
            {
                segments[partition] = segment = new WindowStateSegment<TKey, TAcc> { Watermark = Watermark };
            }

            segment.Entries.Add(entry);
        }

        foreach (var (partition, segment) in segments)
        {
            addSegment(partition, _serializer.Serialize(segment));
        }
    }

    public void TakeHeldAcknowledgements(List<AckHandle> into)
    {
        foreach (var (handle, _) in _held)
        {
            into.Add(handle);
        }

        _held.Clear();
    }

    /// <summary>Restores the entries of the keys this lane owns; called once from the constructor of the derived class.</summary>
    protected void RestoreFrom(IEnumerable<byte[]> segments)
    {
        foreach (var data in segments)
        {
            var segment = _serializer.Deserialize<WindowStateSegment<TKey, TAcc>>(data);
            Watermark = Math.Max(Watermark, segment.Watermark);
            foreach (var entry in segment.Entries)
            {
                if (OwnsKeyHash(StableHash.Of(entry.Key)))
                {
                    LoadEntry(entry);
                }
            }
        }
    }

    /// <summary>Adds the chunk's events to their windows; returns the largest time assigned (or long.MinValue).</summary>
    protected abstract long Absorb(Chunk<T> chunk, long now);

    /// <summary>Emits the windows whose end is at or before the new watermark, and drops windows past their lateness.</summary>
    protected abstract ValueTask FireAsync(long watermark, CancellationToken cancellationToken);

    /// <summary>Emits the updated results of kept windows that late events changed.</summary>
    protected abstract ValueTask FlushUpdatesAsync(CancellationToken cancellationToken);

    /// <summary>The start of the earliest window not emitted yet (long.MaxValue when none).</summary>
    protected abstract long EarliestUnfiredStart();

    protected abstract IEnumerable<WindowStateEntry<TKey, TAcc>> SaveState();

    protected abstract void LoadEntry(WindowStateEntry<TKey, TAcc> entry);

    /// <summary>Handles a late event by the lateness policy's <paramref name="action"/>.</summary>
    protected void OnLate(Chunk<T> chunk, int index, LatenessAction action)
    {
        if (action == LatenessAction.SideOutput)
        {
            Interlocked.Increment(ref Counters.LateSideOutput);
            var late = _late ??= _inputPool.RentDerived(chunk);
            if (late.IsFull)
            {
                // Rare: a chunk only holds as many events as the input chunk, so this cannot overflow.
                throw new InvalidOperationException("Late-event chunk overflow.");
            }

            if (chunk.HasPositions)
            {
                late.Positions![late.Count] = chunk.Positions![index];
            }

            late.Add(chunk.Items[index]);
        }
        else
        {
            Interlocked.Increment(ref Counters.LateDropped);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected async ValueTask EmitResultAsync(TKey key, long start, long end, TAcc accumulator, bool isUpdate, CancellationToken cancellationToken)
    {
        var output = _output;
        if (output is null)
        {
            output = _output = _pool.Rent();
            if (_held.Count > 0 || _current is not null || _previous is not null)
            {
                var bundle = _current ??= StartBundle();
                bundle.Retain();
                output.Ack = bundle;
            }
        }

        output.Add(new WindowResult<TKey, TOut>(key, start, end, Aggregate.GetResult(accumulator), isUpdate));
        if (output.IsFull)
        {
            await FlushOutputAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected async ValueTask FlushOutputAsync(CancellationToken cancellationToken)
    {
        if (_output is { } output)
        {
            _output = null;
            Counters.AddOut(output.Count);
            await EmitAsync(output, cancellationToken).ConfigureAwait(false);
        }
    }

    protected static long FloorTo(long time, long step)
    {
        var rest = time % step;
        return rest < 0 ? time - rest - step : time - rest;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AdvanceAsync(long watermark, CancellationToken cancellationToken)
    {
        if (watermark <= Watermark)
        {
            return;
        }

        Watermark = watermark;
        Counters.SetWatermark(watermark);
        await FireAsync(watermark, cancellationToken).ConfigureAwait(false);
        await RetireAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands the acknowledgements of events whose windows were all emitted to the current bundle (shared by the
    /// results just emitted, chained after earlier bundles), then closes the bundle.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RetireAsync(CancellationToken cancellationToken)
    {
        await FlushOutputAsync(cancellationToken).ConfigureAwait(false);
        if (_held.Count > 0)
        {
            var earliest = EarliestUnfiredStart();
            var kept = 0;
            for (var i = 0; i < _held.Count; i++)
            {
                var (handle, maxTime) = _held[i];
                if (maxTime < earliest)
                {
                    (_current ??= StartBundle()).Add(handle);
                }
                else
                {
                    _held[kept++] = _held[i];
                }
            }

            _held.RemoveRange(kept, _held.Count - kept);
        }

        if (_current is { } bundle)
        {
            _current = null;
            bundle.Release();
        }
    }

    private AckBundle StartBundle()
    {
        var bundle = new AckBundle();
        _previous?.ChainTo(bundle);
        _previous = bundle;
        return bundle;
    }
}

/// <summary>What a window operator is built from.</summary>
internal sealed record WindowSettings<TKey, T, TAcc, TOut>(
    string Name,
    Func<T, TKey> KeyOf,
    Func<T, long>? EventTime,
    TimeDomain Domain,
    WindowSpec Spec,
    LatenessPolicy Lateness,
    Aggregate<T, TAcc, TOut> Aggregate);
