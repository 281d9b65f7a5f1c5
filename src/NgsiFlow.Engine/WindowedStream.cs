namespace NgsiFlow.Engine;

/// <summary>
/// A keyed stream cut into windows, waiting for its aggregate (<c>Aggregate</c>, <c>Count</c>, <c>Sum</c>...).
/// A windowed stream takes exactly one aggregate; window the keyed stream again for another.
/// </summary>
/// <typeparam name="TKey">The type of the key.</typeparam>
/// <typeparam name="T">The type of the events.</typeparam>
public sealed class WindowedStream<TKey, T>
    where TKey : notnull
{
    private bool _aggregated;

    internal WindowedStream(KeyedStream<TKey, T> source, WindowSpec spec, LatenessPolicy lateness, TimeDomain domain, string name)
    {
        Source = source;
        Spec = spec;
        Lateness = lateness;
        Domain = domain;
        Name = name;
        LateEvents = new Stream<T>(source.Job, source.Job.ReserveName(name + ".late", "window")) { EventTime = source.EventTime };
    }

    /// <summary>The window operator's name.</summary>
    public string Name { get; }

    /// <summary>The window shape.</summary>
    public WindowSpec Spec { get; }

    /// <summary>The lateness policy.</summary>
    public LatenessPolicy Lateness { get; }

    /// <summary>The clock the windows follow.</summary>
    public TimeDomain Domain { get; }

    /// <summary>The side output of late events (with <see cref="LatenessAction.SideOutput"/>).</summary>
    public Stream<T> LateEvents { get; }

    internal KeyedStream<TKey, T> Source { get; }

    internal void MarkAggregated()
    {
        if (_aggregated)
        {
            throw new InvalidOperationException($"The windowed stream '{Name}' already has an aggregate; call Window again for another one.");
        }

        _aggregated = true;
    }
}
