using System.Runtime.CompilerServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.Split;

/// <summary>Routes each event to the main output or to the side output, by a predicate.</summary>
internal sealed class SplitOperator<T>(
    Func<T, bool> toSide,
    ChunkObserver<T> main,
    ChunkObserver<T> side,
    ChunkPool<T> pool,
    OperatorCounters counters) : Operator<T, T>(main)
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        var kept = pool.RentDerived(chunk);
        var routed = pool.RentDerived(chunk);
        try
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                var item = chunk.Items[i];
                var target = toSide(item) ? routed : kept;
                if (chunk.HasPositions)
                {
                    target.Positions![target.Count] = chunk.Positions![i];
                }

                target.Add(item);
            }

            counters.AddIn(chunk.Count);
            counters.AddOut(chunk.Count);
            if (kept.Count > 0)
            {
                await Next.OnChunkAsync(kept, cancellationToken).ConfigureAwait(false);
            }

            if (routed.Count > 0)
            {
                await side.OnChunkAsync(routed, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            kept.Release();
            routed.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken)
    {
        await Next.OnWatermarkAsync(watermark, cancellationToken).ConfigureAwait(false);
        await side.OnWatermarkAsync(watermark, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnTickAsync(long now, CancellationToken cancellationToken)
    {
        await Next.OnTickAsync(now, cancellationToken).ConfigureAwait(false);
        await side.OnTickAsync(now, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnCompletedAsync(CancellationToken cancellationToken)
    {
        await Next.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
        await side.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
    }
}
