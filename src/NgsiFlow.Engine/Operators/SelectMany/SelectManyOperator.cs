using System.Runtime.CompilerServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.SelectMany;

/// <summary>Expands every event into zero or more results; results carry the position of the event they came from.</summary>
internal sealed class SelectManyOperator<TIn, TOut>(
    Func<TIn, IEnumerable<TOut>> selector,
    ChunkObserver<TOut> next,
    ChunkPool<TOut> pool,
    OperatorCounters counters,
    ErrorHandler errors) : Operator<TIn, TOut>(next)
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<TIn> chunk, CancellationToken cancellationToken)
    {
        var output = pool.RentDerived(chunk);
        long emitted = 0;
        try
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                var item = chunk.Items[i];
                IEnumerable<TOut> results;
                try
                {
                    results = selector(item);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (!errors.TryRetry(selector, item, out results, ref e))
                    {
                        await errors.GiveUpAsync(item, e, chunk.Ack, chunk.HasPositions ? chunk.Positions![i] : null, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                foreach (var result in results)
                {
                    if (output.IsFull)
                    {
                        emitted += output.Count;
                        var full = output;
                        output = pool.RentDerived(chunk);
                        await EmitAsync(full, cancellationToken).ConfigureAwait(false);
                    }

                    if (chunk.HasPositions)
                    {
                        output.Positions![output.Count] = chunk.Positions![i];
                    }

                    output.Add(result);
                }
            }
        }
        catch
        {
            output.Release();
            throw;
        }

        emitted += output.Count;
        counters.AddIn(chunk.Count);
        counters.AddOut((int)emitted);
        await EmitAsync(output, cancellationToken).ConfigureAwait(false);
    }
}
