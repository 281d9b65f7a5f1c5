using NgsiFlow.Engine.Operators.Window;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>Windows and their aggregates.</summary>
public static class WindowExtensions
{
    /// <summary>
    /// Cuts a keyed stream into windows. In event time (the default when the stream declared <c>WithEventTime</c>)
    /// a window is emitted when the watermark passes its end; in processing time, when the job's clock does.
    /// </summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The keyed stream.</param>
    /// <param name="spec">The window shape (<see cref="WindowSpec"/>).</param>
    /// <param name="lateness">What happens to late events; default <see cref="LatenessPolicy.Drop"/>.</param>
    /// <param name="domain">The clock; default event time if declared upstream, else processing time.</param>
    /// <param name="name">The window operator's name; default "window-N".</param>
    /// <returns>The windowed stream, to aggregate.</returns>
    public static WindowedStream<TKey, T> Window<TKey, T>(this KeyedStream<TKey, T> source, WindowSpec spec, LatenessPolicy? lateness = null, TimeDomain? domain = null, string? name = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(spec);
        var timeDomain = domain ?? (source.EventTime is null ? TimeDomain.ProcessingTime : TimeDomain.EventTime);
        if (timeDomain == TimeDomain.EventTime && source.EventTime is null)
        {
            throw new InvalidOperationException($"The window on '{source.Name}' is in event time but the stream declares none; call WithEventTime before KeyBy.");
        }

        return new WindowedStream<TKey, T>(source, spec, lateness ?? LatenessPolicy.Drop, timeDomain, source.Job.ReserveName(name, "window"));
    }

    /// <summary>Aggregates every window of every key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <typeparam name="TAcc">The accumulator's type.</typeparam>
    /// <typeparam name="TOut">The result's type.</typeparam>
    /// <param name="source">The windowed stream.</param>
    /// <param name="aggregate">The aggregate (<see cref="Aggregates"/> or your own).</param>
    /// <returns>One result per key and window, emitted when the window closes (and again for updates).</returns>
    public static Stream<WindowResult<TKey, TOut>> Aggregate<TKey, T, TAcc, TOut>(this WindowedStream<TKey, T> source, Aggregate<T, TAcc, TOut> aggregate)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(aggregate);
        source.MarkAggregated();
        var keyed = source.Source;
        var settings = new WindowSettings<TKey, T, TAcc, TOut>(source.Name, keyed.KeySelector, keyed.EventTime, source.Domain, source.Spec, source.Lateness, aggregate);
        var result = new Stream<WindowResult<TKey, TOut>>(keyed.Job, keyed.Job.ReserveName(source.Name + ".results", "window"))
        {
            KeyHash = r => StableHash.Of(r.Key),
        };
        keyed.Subscribe(context =>
        {
            var next = result.Instantiate(context);
            var late = source.LateEvents.Instantiate(context);
            return source.Spec.Kind == WindowKind.Session
                ? new SessionWindowOperator<TKey, T, TAcc, TOut>(settings, context, next, late)
                : new FixedWindowOperator<TKey, T, TAcc, TOut>(settings, context, next, late);
        });
        return result;
    }

    /// <summary>Counts the events of every window of every key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The windowed stream.</param>
    /// <returns>The counts.</returns>
    public static Stream<WindowResult<TKey, long>> Count<TKey, T>(this WindowedStream<TKey, T> source)
        where TKey : notnull => source.Aggregate(Aggregates.Count<T>());

    /// <summary>Sums a value over every window of every key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The windowed stream.</param>
    /// <param name="selector">The value.</param>
    /// <returns>The sums.</returns>
    public static Stream<WindowResult<TKey, double>> Sum<TKey, T>(this WindowedStream<TKey, T> source, Func<T, double> selector)
        where TKey : notnull => source.Aggregate(Aggregates.Sum(selector));

    /// <summary>The smallest value in every window of every key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The windowed stream.</param>
    /// <param name="selector">The value.</param>
    /// <returns>The minimums.</returns>
    public static Stream<WindowResult<TKey, double?>> Min<TKey, T>(this WindowedStream<TKey, T> source, Func<T, double> selector)
        where TKey : notnull => source.Aggregate(Aggregates.Min(selector));

    /// <summary>The largest value in every window of every key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The windowed stream.</param>
    /// <param name="selector">The value.</param>
    /// <returns>The maximums.</returns>
    public static Stream<WindowResult<TKey, double?>> Max<TKey, T>(this WindowedStream<TKey, T> source, Func<T, double> selector)
        where TKey : notnull => source.Aggregate(Aggregates.Max(selector));

    /// <summary>The mean of a value in every window of every key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The windowed stream.</param>
    /// <param name="selector">The value.</param>
    /// <returns>The means.</returns>
    public static Stream<WindowResult<TKey, double>> Average<TKey, T>(this WindowedStream<TKey, T> source, Func<T, double> selector)
        where TKey : notnull => source.Aggregate(Aggregates.Average(selector));

    /// <summary>The number of distinct values in every window of every key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <typeparam name="TValue">The type of the values.</typeparam>
    /// <param name="source">The windowed stream.</param>
    /// <param name="selector">The value.</param>
    /// <returns>The distinct counts.</returns>
    public static Stream<WindowResult<TKey, long>> DistinctCount<TKey, T, TValue>(this WindowedStream<TKey, T> source, Func<T, TValue> selector)
        where TKey : notnull => source.Aggregate(Aggregates.DistinctCount(selector));

    /// <summary>A histogram of a value in every window of every key (see <see cref="Aggregates.Histogram{T}"/>).</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The windowed stream.</param>
    /// <param name="selector">The value.</param>
    /// <param name="boundaries">The bucket boundaries, strictly increasing.</param>
    /// <returns>The histograms.</returns>
    public static Stream<WindowResult<TKey, long[]>> Histogram<TKey, T>(this WindowedStream<TKey, T> source, Func<T, double> selector, params double[] boundaries)
        where TKey : notnull => source.Aggregate(Aggregates.Histogram(selector, boundaries));
}
