using System.Runtime.CompilerServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.EventTime;

/// <summary>
/// Generates watermarks from the event times seen (largest minus the disorder bound), forwarding events unchanged.
/// With an idle timeout, a quiet input lets the watermark follow processing time.
/// </summary>
internal sealed class EventTimeOperator<T>(
    Func<T, long> eventTime,
    WatermarkPolicy policy,
    ChunkObserver<T> next,
    OperatorCounters counters) : Operator<T, T>(next)
{
    private readonly long _delay = policy.MaxOutOfOrderness.Ticks;
    private long _maxEventTime = long.MinValue;
    private long _watermark = long.MinValue;
    private long _lastEventAt = long.MinValue;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        var max = _maxEventTime;
        var items = chunk.Items;
        for (var i = 0; i < chunk.Count; i++)
        {
            var t = eventTime(items[i]);
            if (t > max)
            {
                max = t;
            }
        }

        _maxEventTime = max;
        counters.AddIn(chunk.Count);
        counters.AddOut(chunk.Count);
        _lastEventAt = long.MaxValue;
        await Next.OnChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
        if (max != long.MinValue)
        {
            await AdvanceAsync(max - _delay, cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnTickAsync(long now, CancellationToken cancellationToken)
    {
        if (_lastEventAt == long.MaxValue)
        {
            // The first tick after events marks when the input went quiet.
            _lastEventAt = now;
        }
        else if (policy.IdleTimeout is { } idle && _lastEventAt != long.MinValue && now - _lastEventAt >= idle.Ticks)
        {
            await AdvanceAsync(now - _delay, cancellationToken).ConfigureAwait(false);
        }

        await Next.OnTickAsync(now, cancellationToken).ConfigureAwait(false);
    }

    // An upstream watermark (from an earlier WithEventTime) is superseded by this one's.
    public override ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken) => default;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnCompletedAsync(CancellationToken cancellationToken)
    {
        // The end of the input is the end of time: every window may close.
        await AdvanceAsync(long.MaxValue, cancellationToken).ConfigureAwait(false);
        await Next.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
    }

    private ValueTask AdvanceAsync(long watermark, CancellationToken cancellationToken)
    {
        if (watermark <= _watermark)
        {
            return default;
        }

        _watermark = watermark;
        counters.SetWatermark(watermark);
        return Next.OnWatermarkAsync(watermark, cancellationToken);
    }
}
