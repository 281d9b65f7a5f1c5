using System.Runtime.CompilerServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.Where;

/// <summary>Keeps the events that match a predicate, fused into the upstream stage.</summary>
internal sealed class WhereOperator<T>(
    Func<T, bool> predicate,
    ChunkObserver<T> next,
    ChunkPool<T> pool,
    OperatorCounters counters,
    ErrorHandler errors) : Operator<T, T>(next)
{
    public override ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        var output = pool.RentDerived(chunk);
        var items = chunk.Items;
        var results = output.Items;
        var count = chunk.Count;
        var kept = 0;
        var i = 0;
        try
        {
            if (chunk.HasPositions)
            {
                var positions = chunk.Positions!;
                var outPositions = output.Positions!;
                for (; i < count; i++)
                {
                    if (predicate(items[i]))
                    {
                        outPositions[kept] = positions[i];
                        results[kept++] = items[i];
                    }
                }
            }
            else
            {
                for (; i < count; i++)
                {
                    var item = items[i];
                    if (predicate(item))
                    {
                        results[kept++] = item;
                    }
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.Count = kept;
            return ContinueAfterErrorAsync(chunk, output, i, e, cancellationToken);
        }

        output.Count = kept;
        counters.AddIn(count);
        counters.AddOut(kept);
        return EmitAsync(output, cancellationToken);
    }

    // The event at `failed` threw: apply the error policy to it, then go on event by event from there.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ContinueAfterErrorAsync(Chunk<T> chunk, Chunk<T> output, int failed, Exception error, CancellationToken cancellationToken)
    {
        try
        {
            for (var i = failed; i < chunk.Count; i++)
            {
                var item = chunk.Items[i];
                bool keep;
                if (i == failed)
                {
                    if (!errors.TryRetry(predicate, item, out keep, ref error))
                    {
                        await errors.GiveUpAsync(item, error, chunk.Ack, chunk.HasPositions ? chunk.Positions![i] : null, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }
                else
                {
                    try
                    {
                        keep = predicate(item);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        if (!errors.TryRetry(predicate, item, out keep, ref e))
                        {
                            await errors.GiveUpAsync(item, e, chunk.Ack, chunk.HasPositions ? chunk.Positions![i] : null, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                    }
                }

                if (keep)
                {
                    if (chunk.HasPositions)
                    {
                        output.Positions![output.Count] = chunk.Positions![i];
                    }

                    output.Add(item);
                }
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
