using NgsiFlow.Engine.Operators.SelectMany;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>The SelectMany operator (Spark's flatMap).</summary>
public static class SelectManyExtensions
{
    /// <summary>Expands every event into zero or more results. An event from an acknowledged source is acknowledged
    /// once all its results are written (or at once when it has none).</summary>
    /// <typeparam name="TIn">The type of the events.</typeparam>
    /// <typeparam name="TOut">The type of the results.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="selector">The expansion; must not block.</param>
    /// <param name="name">The operator's name; default "selectmany-N".</param>
    /// <param name="onError">What to do when <paramref name="selector"/> throws; default the job's.</param>
    /// <returns>The stream of results.</returns>
    public static Stream<TOut> SelectMany<TIn, TOut>(this Stream<TIn> source, Func<TIn, IEnumerable<TOut>> selector, string? name = null, ErrorPolicy? onError = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        var result = source.Derive<TOut>(name, "selectmany");
        source.Subscribe(context => new SelectManyOperator<TIn, TOut>(
            selector,
            result.Instantiate(context),
            context.Pools.Get<TOut>(),
            context.Counters(result.Name, "selectmany"),
            context.Errors(result.Name, "selectmany", onError)));
        return result;
    }
}
