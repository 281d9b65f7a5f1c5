using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine;

/// <summary>
/// A typed stream of events inside a <see cref="StreamJob"/>: the description of a dataflow, built with the
/// operator extension methods (Select, Where, KeyBy, Window, ForEachAsync...) before the job starts. Using the
/// same stream in several operators multicasts its events.
/// </summary>
/// <typeparam name="T">The type of the events.</typeparam>
public class Stream<T>
{
    private readonly List<Func<BuildContext, ChunkObserver<T>>> _subscribers = [];

    internal Stream(StreamJob job, string name)
    {
        Job = job;
        Name = name;
    }

    /// <summary>The job this stream belongs to.</summary>
    public StreamJob Job { get; }

    /// <summary>The name of the operator that produces this stream (used in metrics, statistics and snapshots).</summary>
    public string Name { get; }

    /// <summary>The event time of an event in UTC ticks, when declared with <c>WithEventTime</c> upstream.</summary>
    internal Func<T, long>? EventTime { get; set; }

    /// <summary>The stable hash of an event's key, when the stream is keyed; parallel stages route by it.</summary>
    internal Func<T, uint>? KeyHash { get; set; }

    /// <summary>Creates the stream produced by an operator on this one, in the same job.</summary>
    internal Stream<TOut> Derive<TOut>(string? name, string kind) => new(Job, Job.ReserveName(name, kind));

    /// <summary>Creates a stream of the same type that keeps this stream's event time and key.</summary>
    internal Stream<T> DeriveSame(string? name, string kind) =>
        new(Job, Job.ReserveName(name, kind)) { EventTime = EventTime, KeyHash = KeyHash };

    internal void Subscribe(Func<BuildContext, ChunkObserver<T>> factory)
    {
        Job.EnsureNotStarted();
        _subscribers.Add(factory);
    }

    /// <summary>Creates the runtime operators of everything downstream of this stream.</summary>
    internal ChunkObserver<T> Instantiate(BuildContext context)
    {
        switch (_subscribers.Count)
        {
            case 0:
                return NullObserver<T>.Instance;
            case 1:
                return _subscribers[0](context);
            default:
                var targets = new ChunkObserver<T>[_subscribers.Count];
                for (var i = 0; i < targets.Length; i++)
                {
                    targets[i] = _subscribers[i](context);
                }

                return new MulticastObserver<T>(targets);
        }
    }
}
