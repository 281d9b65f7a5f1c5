using NgsiFlow.Engine.Operators.Split;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>Side outputs: route some events to a second stream.</summary>
public static class SplitExtensions
{
    /// <summary>Sends the events matching <paramref name="toSideOutput"/> to <paramref name="sideOutput"/> and the others on.
    /// Both keep the stream's event time and key.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="toSideOutput">Whether an event goes to the side output.</param>
    /// <param name="sideOutput">The side output.</param>
    /// <param name="name">The operator's name; default "split-N".</param>
    /// <returns>The events not sent to the side output.</returns>
    public static Stream<T> Split<T>(this Stream<T> source, Func<T, bool> toSideOutput, out Stream<T> sideOutput, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(toSideOutput);
        var main = source.DeriveSame(name, "split");
        var side = source.DeriveSame(main.Name + ".side", "split");
        source.Subscribe(context => new SplitOperator<T>(
            toSideOutput, main.Instantiate(context), side.Instantiate(context), context.Pools.Get<T>(), context.Counters(main.Name, "split")));
        sideOutput = side;
        return main;
    }

    /// <summary>Merges this stream with others of the same job into one (a union).</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="others">The other streams.</param>
    /// <returns>The merged stream.</returns>
    public static Stream<T> Merge<T>(this Stream<T> source, params Stream<T>[] others)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(others);
        return source.Job.Merge([source, .. others]);
    }
}
