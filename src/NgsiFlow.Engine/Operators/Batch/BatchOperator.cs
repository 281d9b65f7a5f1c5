using System.Runtime.CompilerServices;
using System.Buffers;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.Batch;

/// <summary>
/// Collects events into micro-batches closed by a processing-time interval (aligned to multiples of it) and/or a
/// size. A batch holds the acknowledgements of its events and releases them once the batch and all results derived
/// from it are written; its buffer returns to the pool at the same moment.
/// </summary>
internal sealed class BatchOperator<T> : Operator<T, MicroBatch<T>>
{
    private readonly long _interval;
    private readonly int _maxCount;
    private readonly bool _flushOnStop;
    private readonly TimeProvider _clock;
    private readonly ChunkPool<MicroBatch<T>> _pool;
    private readonly OperatorCounters _counters;
    private T[] _buffer;
    private int _count;
    private long _start;
    private long _end;
    private long _nextId;
    private AckBundle? _bundle;
    private AckBundle? _previous;

    public BatchOperator(TimeSpan? interval, int maxCount, bool flushOnStop, TimeProvider clock, ChunkObserver<MicroBatch<T>> next, ChunkPool<MicroBatch<T>> pool, OperatorCounters counters)
        : base(next)
    {
        _interval = interval?.Ticks ?? 0;
        _maxCount = maxCount;
        _flushOnStop = flushOnStop;
        _clock = clock;
        _pool = pool;
        _counters = counters;
        _buffer = ArrayPool<T>.Shared.Rent(Math.Min(maxCount, 1024));
        OpenBatch(clock.GetUtcNow().UtcTicks);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        _counters.AddIn(chunk.Count);
        var now = _clock.GetUtcNow().UtcTicks;
        if (_interval > 0 && now >= _end)
        {
            await CloseAsync(now, cancellationToken).ConfigureAwait(false);
        }

        var offset = 0;
        while (offset < chunk.Count)
        {
            var take = Math.Min(chunk.Count - offset, _maxCount - _count);
            if (_count + take > _buffer.Length)
            {
                var larger = ArrayPool<T>.Shared.Rent(Math.Min(_maxCount, Math.Max(_buffer.Length * 2, _count + take)));
                Array.Copy(_buffer, larger, _count);
                ReturnBuffer(_buffer, _count);
                _buffer = larger;
            }

            Array.Copy(chunk.Items, offset, _buffer, _count, take);
            _count += take;
            offset += take;
            if (chunk.Ack is { } ack)
            {
                ack.Retain();
                (_bundle ??= NewBundle()).Add(ack);
            }

            if (_count >= _maxCount)
            {
                await CloseAsync(now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnTickAsync(long now, CancellationToken cancellationToken)
    {
        if (_interval > 0 && now >= _end)
        {
            await CloseAsync(now, cancellationToken).ConfigureAwait(false);
        }

        await Next.OnTickAsync(now, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnCompletedAsync(CancellationToken cancellationToken)
    {
        if (_flushOnStop)
        {
            await CloseAsync(_clock.GetUtcNow().UtcTicks, cancellationToken).ConfigureAwait(false);
        }

        await Next.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CloseAsync(long now, CancellationToken cancellationToken)
    {
        if (_count == 0)
        {
            OpenBatch(now);
            return;
        }

        var buffer = _buffer;
        var count = _count;
        var bundle = _bundle ?? NewBundle();
        var batch = new MicroBatch<T>(_nextId++, new DateTimeOffset(_start, TimeSpan.Zero), new DateTimeOffset(Math.Min(now, _end), TimeSpan.Zero), buffer.AsMemory(0, count));
        _buffer = ArrayPool<T>.Shared.Rent(buffer.Length);
        _bundle = null;
        OpenBatch(now);

        // The buffer goes back to the pool only when everything derived from the batch is done.
        var lease = new AckBundle(() => ReturnBuffer(buffer, count));
        lease.Add(bundle);
        _previous?.ChainTo(lease);
        _previous = lease;
        var output = _pool.Rent();
        output.Ack = lease;
        output.Add(batch);
        _counters.AddOut(count);
        Interlocked.Increment(ref _counters.Batches);
        await EmitAsync(output, cancellationToken).ConfigureAwait(false);
    }

    private void OpenBatch(long now)
    {
        _count = 0;
        if (_interval > 0)
        {
            _start = now - (now % _interval);
            _end = _start + _interval;
        }
        else
        {
            _start = now;
            _end = long.MaxValue;
        }
    }

    private static AckBundle NewBundle() => new();

    private static void ReturnBuffer(T[] buffer, int count)
    {
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            Array.Clear(buffer, 0, count);
        }

        ArrayPool<T>.Shared.Return(buffer);
    }
}
