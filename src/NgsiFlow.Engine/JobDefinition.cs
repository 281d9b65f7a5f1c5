namespace NgsiFlow.Engine;

/// <summary>
/// A job written once as a function of its input stream, so that the same definition runs in-process (fed by the
/// connector's receiver through a bounded input) and on RabbitMQ workers (fed by an acknowledged source).
/// </summary>
/// <typeparam name="TIn">The type of the input events.</typeparam>
/// <example>
/// <code>
/// var definition = new JobDefinition&lt;Reading&gt;("averages", input => input
///     .WithEventTime(r => r.ObservedAt, WatermarkPolicy.BoundedOutOfOrderness(TimeSpan.FromSeconds(2)))
///     .KeyBy(r => r.EntityId)
///     .Window(WindowSpec.Tumbling(TimeSpan.FromMinutes(1)))
///     .Average(r => r.Value)
///     .To(sink));
/// var input = definition.Create();          // in-process
/// var job = definition.Create(queueSource);  // on a worker
/// </code>
/// </example>
public sealed class JobDefinition<TIn>
{
    private readonly Action<Stream<TIn>> _define;

    /// <summary>Creates the definition.</summary>
    /// <param name="name">The job's name (metrics, logs, snapshots).</param>
    /// <param name="define">Defines the operators and sinks on the input stream.</param>
    public JobDefinition(string name, Action<Stream<TIn>> define)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(define);
        Name = name;
        _define = define;
    }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>Creates an in-process job with a bounded input; start it with <c>input.Job.Start()</c>.</summary>
    /// <param name="options">The job's settings.</param>
    /// <param name="capacity">The input's capacity; default <see cref="StreamJobOptions.InputCapacity"/>.</param>
    /// <returns>The input; its <see cref="Stream{T}.Job"/> is the job.</returns>
    public StreamInput<TIn> Create(StreamJobOptions? options = null, int? capacity = null)
    {
        var job = new StreamJob(Name, options);
        var input = job.Input<TIn>(capacity, "input");
        _define(input);
        return input;
    }

    /// <summary>Creates a job that reads an acknowledged source (a RabbitMQ queue, a replayed file).</summary>
    /// <param name="source">The source.</param>
    /// <param name="options">The job's settings.</param>
    /// <param name="capacity">How many read events may wait for the job.</param>
    /// <returns>The job, not started.</returns>
    public StreamJob Create(IStreamSource<TIn> source, StreamJobOptions? options = null, int? capacity = null)
    {
        var job = new StreamJob(Name, options);
        _define(job.From(source, capacity));
        return job;
    }
}
