using NgsiFlow.Engine.Internal;
using NgsiFlow.Engine.Operators.KeyBy;
using NgsiFlow.Engine.Operators.Sink;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>The sinks: per-event and per-batch actions (Spark's foreach/foreachBatch) and <see cref="IStreamSink{T}"/>.</summary>
public static class SinkExtensions
{
    /// <summary>
    /// Runs an async action for every event, in its own stage behind a bounded channel (a slow action slows the
    /// inputs down). With <paramref name="parallelism"/> above 1, events are spread over that many lanes; on a keyed
    /// stream every key stays in one lane, so events of one key are handled in order.
    /// </summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="action">The action; an event counts as done (acknowledged) when its task completes.</param>
    /// <param name="parallelism">The number of lanes; default 1.</param>
    /// <param name="name">The operator's name; default "foreach-N".</param>
    /// <param name="onError">What to do when <paramref name="action"/> throws; default the job's.</param>
    public static void ForEachAsync<T>(this Stream<T> source, Func<T, CancellationToken, ValueTask> action, int parallelism = 1, string? name = null, ErrorPolicy? onError = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        AddSink(source, "foreach", name, parallelism, onError, (counters, errors) => new SinkOperator<T>(action, null, null, counters, errors));
    }

    /// <summary>
    /// Runs an async action for every micro-batch of events as they flow (at most <see cref="StreamJobOptions.ChunkSize"/>
    /// events, as many as are available), like Spark's foreachPartition. For batches on a time interval use
    /// <c>Batch(interval)</c> first. The memory is only valid until the action's task completes.
    /// </summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="action">The action.</param>
    /// <param name="parallelism">The number of lanes; default 1.</param>
    /// <param name="name">The operator's name; default "foreachbatch-N".</param>
    /// <param name="onError">What to do when <paramref name="action"/> throws (the whole batch is retried); default the job's.</param>
    public static void ForEachBatchAsync<T>(this Stream<T> source, Func<ReadOnlyMemory<T>, CancellationToken, ValueTask> action, int parallelism = 1, string? name = null, ErrorPolicy? onError = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        AddSink(source, "foreachbatch", name, parallelism, onError, (counters, errors) => new SinkOperator<T>(null, action, null, counters, errors));
    }

    /// <summary>Writes the stream to a sink, chunk by chunk; <see cref="IStreamSink{T}.FlushAsync"/> is called on a graceful stop.
    /// With <paramref name="parallelism"/> above 1 the sink receives concurrent writes.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="sink">The sink; the caller disposes it after the job.</param>
    /// <param name="parallelism">The number of lanes; default 1.</param>
    /// <param name="name">The operator's name; default "sink-N".</param>
    /// <param name="onError">What to do when the sink throws; default the job's.</param>
    public static void To<T>(this Stream<T> source, IStreamSink<T> sink, int parallelism = 1, string? name = null, ErrorPolicy? onError = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        AddSink(source, "sink", name, parallelism, onError, (counters, errors) => new SinkOperator<T>(null, null, sink, counters, errors));
    }

    private static void AddSink<T>(
        Stream<T> source,
        string kind,
        string? name,
        int parallelism,
        ErrorPolicy? onError,
        Func<OperatorCounters, ErrorHandler, SinkOperator<T>> create)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var sinkName = source.Job.ReserveName(name, kind);
        source.Subscribe(context =>
        {
            var counters = context.Counters(sinkName, kind);
            var errors = context.Errors(sinkName, kind, onError);
            return PartitionOperator<T>.Create(context, sinkName, counters, parallelism, source.KeyHash, _ => create(counters, errors));
        });
    }
}
