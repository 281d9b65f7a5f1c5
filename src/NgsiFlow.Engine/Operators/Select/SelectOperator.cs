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
        try
        {
            for (var i = 0; i < count; i++)
            {
                results[i] = selector(items[i]);
            }

            output.Count = count;
            if (chunk.HasPositions)
            {
                Array.Copy(chunk.Positions!, output.Positions!, count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.Count = 0;
            return SlowPathAsync(chunk, output, cancellationToken);
        }

        counters.AddIn(count);
        counters.AddOut(count);
        return EmitAsync(output, cancellationToken);
    }

    // One event failed: redo the chunk event by event, applying the error policy to the failing ones.
    private async ValueTask SlowPathAsync(Chunk<TIn> chunk, Chunk<TOut> output, CancellationToken cancellationToken)
    {
        try
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                var item = chunk.Items[i];
                TOut result;
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
