namespace NgsiFlow.Engine;

/// <summary>
/// An incremental aggregate (Trill's and Flink's AggregateFunction): an accumulator per key and window, updated
/// event by event, merged when session windows join, and turned into a result when the window is emitted.
/// Accumulators are part of snapshots, so they must be serializable by the job's <see cref="IStateSerializer"/>.
/// </summary>
/// <typeparam name="TIn">The type of the events.</typeparam>
/// <typeparam name="TAcc">The type of the accumulator (a struct avoids an allocation per key and window).</typeparam>
/// <typeparam name="TOut">The type of the result.</typeparam>
public abstract class Aggregate<TIn, TAcc, TOut>
{
    /// <summary>A new, empty accumulator.</summary>
    /// <returns>The accumulator.</returns>
    public abstract TAcc CreateAccumulator();

    /// <summary>Adds an event.</summary>
    /// <param name="accumulator">The accumulator, updated in place.</param>
    /// <param name="item">The event.</param>
    public abstract void Add(ref TAcc accumulator, TIn item);

    /// <summary>Combines two accumulators (session windows that merge).</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>The combination.</returns>
    public abstract TAcc Merge(TAcc left, TAcc right);

    /// <summary>The result of an accumulator. It must not share mutable state with the accumulator, which may still change
    /// (with <see cref="LatenessAction.ReemitUpdated"/>).</summary>
    /// <param name="accumulator">The accumulator.</param>
    /// <returns>The result.</returns>
    public abstract TOut GetResult(TAcc accumulator);
}
