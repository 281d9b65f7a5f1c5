using NgsiFlow.Engine.Operators.EventTime;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>Declares event time (which field carries it, and how disordered it may be).</summary>
public static class EventTimeExtensions
{
    /// <summary>
    /// Declares the event time of the stream (for NGSI data, typically <c>observedAt</c> or <c>TimeInstant</c>) and
    /// generates watermarks from it by <paramref name="watermarks"/>. Windows after this work in event time.
    /// </summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="eventTime">Extracts the event time.</param>
    /// <param name="watermarks">The disorder policy; default <see cref="WatermarkPolicy.Ascending"/>.</param>
    /// <param name="name">The operator's name; default "eventtime-N".</param>
    /// <returns>The same events, with event time and watermarks.</returns>
    public static Stream<T> WithEventTime<T>(this Stream<T> source, Func<T, DateTimeOffset> eventTime, WatermarkPolicy? watermarks = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(eventTime);
        var policy = watermarks ?? WatermarkPolicy.Ascending;
        var result = source.DeriveSame(name, "eventtime");
        Func<T, long> ticks = item => eventTime(item).UtcTicks;
        result.EventTime = ticks;
        source.Subscribe(context => new EventTimeOperator<T>(ticks, policy, result.Instantiate(context), context.Counters(result.Name, "eventtime")));
        return result;
    }
}
