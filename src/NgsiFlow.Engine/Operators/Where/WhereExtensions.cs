using NgsiFlow.Engine.Operators.Where;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>The Where operator.</summary>
public static class WhereExtensions
{
    /// <summary>Keeps the events matching <paramref name="predicate"/>; the others count as done (acknowledged).
    /// The result keeps the stream's event time and key.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="predicate">The filter; must not block.</param>
    /// <param name="name">The operator's name; default "where-N".</param>
    /// <param name="onError">What to do when <paramref name="predicate"/> throws; default the job's.</param>
    /// <returns>The filtered stream.</returns>
    public static Stream<T> Where<T>(this Stream<T> source, Func<T, bool> predicate, string? name = null, ErrorPolicy? onError = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(predicate);
        var result = source.DeriveSame(name, "where");
        source.Subscribe(context => new WhereOperator<T>(
            predicate,
            result.Instantiate(context),
            context.Pools.Get<T>(),
            context.Counters(result.Name, "where"),
            context.Errors(result.Name, "where", onError)));
        return result;
    }
}
