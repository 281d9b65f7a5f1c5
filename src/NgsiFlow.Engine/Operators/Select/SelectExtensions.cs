using NgsiFlow.Engine.Operators.Select;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>The Select operator.</summary>
public static class SelectExtensions
{
    /// <summary>Maps every event (fused into the upstream stage: no queue, no copy per event beyond the result).</summary>
    /// <typeparam name="TIn">The type of the events.</typeparam>
    /// <typeparam name="TOut">The type of the results.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="selector">The mapping; must not block.</param>
    /// <param name="name">The operator's name; default "select-N".</param>
    /// <param name="onError">What to do when <paramref name="selector"/> throws; default the job's.</param>
    /// <returns>The stream of results.</returns>
    public static Stream<TOut> Select<TIn, TOut>(this Stream<TIn> source, Func<TIn, TOut> selector, string? name = null, ErrorPolicy? onError = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        var result = source.Derive<TOut>(name, "select");
        source.Subscribe(context => new SelectOperator<TIn, TOut>(
            selector,
            result.Instantiate(context),
            context.Pools.Get<TOut>(),
            context.Counters(result.Name, "select"),
            context.Errors(result.Name, "select", onError)));
        return result;
    }
}
