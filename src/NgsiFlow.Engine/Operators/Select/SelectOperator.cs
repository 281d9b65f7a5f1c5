using System.Runtime.CompilerServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.Select;

/// <summary>Maps every event of a chunk into a new chunk, fused into the upstream stage.</summary>
internal sealed class SelectOperator<TIn, TOut>(
    Func<TIn, TOut> selector,
    ChunkObserver<TOut> next,
    ChunkPool<TOut> pool,
    OperatorCounters counters,
    ErrorHandler errors) : Operator<TIn, TOut>(next)
{
    public override ValueTask OnChunkAsync(Chunk<TIn> chunk, CancellationToken cancellationToken)
    {
        var output = pool.RentDerived(chunk);
        var items = chunk.Items;
        var results = output.Items;
        var count = chunk.Count;
        var i = 0;
        try
        {
            for (; i < count; i++)
            {
                results[i] = selector(items[i]);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ContinueAfterErrorAsync(chunk, output, i, e, cancellationToken);
        }

        output.Count = count;
        if (chunk.HasPositions)
        {
            Array.Copy(chunk.Positions!, output.Positions!, count);
        }

        counters.AddIn(count);
        counters.AddOut(count);
        return EmitAsync(output, cancellationToken);
    }

    // The event at `failed` threw: apply the error policy to it, then go on event by event from there.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ContinueAfterErrorAsync(Chunk<TIn> chunk, Chunk<TOut> output, int failed, Exception error, CancellationToken cancellationToken)
    {
        try
        {
            output.Count = failed;
            if (chunk.HasPositions)
            {
                Array.Copy(chunk.Positions!, output.Positions!, failed);
            }

            for (var i = failed; i < chunk.Count; i++)
            {
                var item = chunk.Items[i];
                TOut result;
                if (i == failed)
                {
                    if (!errors.TryRetry(selector, item, out result, ref error))
                    {
                        await errors.GiveUpAsync(item, error, chunk.Ack, chunk.HasPositions ? chunk.Positions![i] : null, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }
                else
                {
                    try
                    {
                        result = selector(item);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        if (!errors.TryRetry(selector, item, out result, ref e))
                        {
                            await errors.GiveUpAsync(item, e, chunk.Ack, chunk.HasPositions ? chunk.Positions![i] : null, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                    }
                }

                if (chunk.HasPositions)
                {
                    output.Positions![output.Count] = chunk.Positions![i];
                }

                output.Add(result);
            }
        }
        catch
        {
            output.Release();
            throw;
        }

        counters.AddIn(chunk.Count);
        counters.AddOut(output.Count);
        await EmitAsync(output, cancellationToken).ConfigureAwait(false);
    }
}
