using NgsiFlow.Engine.Operators.KeyBy;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>Runs the operators that follow in several lanes (threads), for CPU-heavy functions such as model inference.</summary>
public static class ParallelExtensions
{
    /// <summary>
    /// Spreads the stream over <paramref name="parallelism"/> lanes; the operators after it run once per lane, each
    /// lane in its own stage behind a bounded channel. A keyed stream keeps every key in one lane (order per key is
    /// kept); otherwise whole chunks go round-robin and order between chunks is not kept.
    /// </summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="parallelism">The number of lanes, at least 1.</param>
    /// <param name="name">The operator's name; default "parallel-N".</param>
    /// <returns>The same events, processed in lanes downstream.</returns>
    public static Stream<T> Parallel<T>(this Stream<T> source, int parallelism, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var result = source.DeriveSame(name, "parallel");
        source.Subscribe(context => PartitionOperator<T>.Create(
            context, result.Name, context.Counters(result.Name, "parallel"), parallelism, source.KeyHash, result.Instantiate));
        return result;
    }
}
