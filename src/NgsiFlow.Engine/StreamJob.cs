using System.Collections.Concurrent;
using System.Threading.Channels;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine;

/// <summary>
/// A streaming job: its inputs, the operators defined on them, and, once started, the stages running them.
/// Define the dataflow first (inputs, operators, sinks), then <see cref="Start"/>; a job runs once.
/// </summary>
/// <example>
/// <code>
/// var job = new StreamJob("detector");
/// var hits = job.Input&lt;Hit&gt;(capacity: 10_000);
/// hits.Where(h => h.Energy > 0.5)
///     .KeyBy(h => h.Chamber)
///     .Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(5)))
///     .Count()
///     .ForEachAsync((r, ct) => store.SaveAsync(r, ct));
/// job.Start();
/// await hits.WriteAsync(hit, ct);
/// await job.StopAsync(ct);
/// </code>
/// </example>
public sealed partial class StreamJob : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, OperatorCounters> _counters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<IJobInput> _inputs = [];
    private readonly Dictionary<string, int> _kindCounts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    /// <summary>Creates an empty job.</summary>
    /// <param name="name">The job's name, used in metrics, logs and snapshots.</param>
    /// <param name="options">Settings; defaults when null. Validated here.</param>
    public StreamJob(string name, StreamJobOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Options = options ?? new StreamJobOptions();
        Options.Validate();
        Pools = new ChunkPools(Options.ChunkSize);
    }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>The job's settings.</summary>
    public StreamJobOptions Options { get; }

    /// <summary>Completes when the job has stopped: successfully after a graceful stop or when every input ended,
    /// faulted with a <see cref="StreamJobException"/> when an operator failed, cancelled when it was cancelled.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Whether <see cref="Start"/> was called.</summary>
    public bool IsStarted => Volatile.Read(ref _started) != 0;

    internal ChunkPools Pools { get; }

    /// <summary>Adds a bounded input that code in the same process writes events into.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="capacity">How many accepted events may wait before writers wait; default <see cref="StreamJobOptions.InputCapacity"/>.</param>
    /// <param name="name">The input's name; default "input-N".</param>
    /// <returns>The input: a stream to define operators on, and the writer side.</returns>
    public StreamInput<T> Input<T>(int? capacity = null, string? name = null)
    {
        EnsureNotStarted();
        var size = capacity ?? Options.InputCapacity;
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1, nameof(capacity));
        var inputName = ReserveName(name, "input");
        var buffer = new InputBuffer<T>(inputName, size, Pools.Get<T>(), Counters(inputName, "input"), null);
        var input = new StreamInput<T>(this, inputName, buffer);
        _inputs.Add(new JobInput<T>(input, buffer, null));
        return input;
    }

    /// <summary>Adds an input read from a source that wants acknowledgements (a RabbitMQ queue, a replayed file):
    /// each event is acknowledged once every result derived from it was written by the job's sinks and actions.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The source.</param>
    /// <param name="capacity">How many read events may wait for the job; default <see cref="StreamJobOptions.InputCapacity"/>.</param>
    /// <returns>The stream of the source's events.</returns>
    public Stream<T> From<T>(IStreamSource<T> source, int? capacity = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return FromCore(source, capacity, acknowledged: true);
    }

    private Stream<T> FromCore<T>(IStreamSource<T> source, int? capacity, bool acknowledged)
    {
        EnsureNotStarted();
        var size = capacity ?? Options.InputCapacity;
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1, nameof(capacity));
        var inputName = ReserveName(source.Name, "source");
        var counters = Counters(inputName, "source");
        var pump = new SourcePump<T>(source, counters);
        var buffer = new InputBuffer<T>(inputName, size, Pools.Get<T>(), counters, acknowledged ? pump : null);
        pump.Buffer = buffer;
        var stream = new Stream<T>(this, inputName);
        _inputs.Add(new JobInput<T>(stream, buffer, pump));
        return stream;
    }

    /// <summary>Adds an input read from a channel until it completes.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="reader">The channel.</param>
    /// <param name="capacity">How many read events may wait for the job.</param>
    /// <param name="name">The input's name.</param>
    /// <returns>The stream of the channel's events.</returns>
    public Stream<T> From<T>(ChannelReader<T> reader, int? capacity = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return FromCore(new EnumerableSource<T>(name ?? "channel", reader.ReadAllAsync), capacity, acknowledged: false);
    }

    /// <summary>Adds an input read from an async sequence until it ends.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="items">The sequence.</param>
    /// <param name="capacity">How many read events may wait for the job.</param>
    /// <param name="name">The input's name.</param>
    /// <returns>The stream of the sequence's events.</returns>
    public Stream<T> From<T>(IAsyncEnumerable<T> items, int? capacity = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        return FromCore(new EnumerableSource<T>(name ?? "sequence", _ => items), capacity, acknowledged: false);
    }

    /// <summary>Merges streams of the same type into one (a union); its watermark is the least of theirs.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="streams">The streams, all of this job.</param>
    /// <returns>The merged stream.</returns>
    public Stream<T> Merge<T>(params Stream<T>[] streams) => MergeCore(null, streams);

    /// <summary>The statistics of every operator, for tests and dashboards (metrics carry the same figures).</summary>
    /// <returns>One entry per operator.</returns>
    public IReadOnlyList<OperatorStatistics> GetStatistics() => [.. _counters.Values.Select(c => c.Snapshot()).OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>The statistics of one operator.</summary>
    /// <param name="name">The operator's name.</param>
    /// <returns>The statistics.</returns>
    public OperatorStatistics GetStatistics(string name) =>
        _counters.TryGetValue(name, out var counters)
            ? counters.Snapshot()
            : throw new ArgumentException($"The job '{Name}' has no operator named '{name}'.", nameof(name));

    internal Stream<T> MergeCore<T>(string? name, Stream<T>[] streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        if (streams.Length == 0)
        {
            throw new ArgumentException("Merge needs at least one stream.", nameof(streams));
        }

        foreach (var s in streams)
        {
            if (!ReferenceEquals(s.Job, this))
            {
                throw new ArgumentException($"The stream '{s.Name}' belongs to another job.", nameof(streams));
            }
        }

        var merged = new Stream<T>(this, ReserveName(name, "merge"));
        var first = streams[0].EventTime;
        if (streams.All(s => s.EventTime == first))
        {
            merged.EventTime = first;
        }

        var counters = Counters(merged.Name, "merge");
        foreach (var s in streams)
        {
            s.Subscribe(context =>
            {
                var stage = context.GetOrAdd(merged, () =>
                {
                    var created = context.NewStage<T>(merged.Name, counters);
                    return created;
                });
                var hop = stage.AddProducer();
                // Built once, outside any lane: the merge is one stage whichever lane reaches it first.
                stage.Downstream ??= merged.Instantiate(context.Root);
                return hop;
            });
        }

        return merged;
    }

    internal string ReserveName(string? name, string kind)
    {
        lock (_names)
        {
            if (name is not null)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(name);
                if (!_names.Add(name))
                {
                    throw new ArgumentException($"The job '{Name}' already has an operator named '{name}'; operator names must be unique.", nameof(name));
                }

                return name;
            }

            while (true)
            {
                _kindCounts.TryGetValue(kind, out var n);
                _kindCounts[kind] = ++n;
                var generated = $"{kind}-{n}";
                if (_names.Add(generated))
                {
                    return generated;
                }
            }
        }
    }

    internal OperatorCounters Counters(string name, string kind) => _counters.GetOrAdd(name, n => new OperatorCounters(Name, n, kind) { Clock = Options.TimeProvider });

    internal IEnumerable<OperatorCounters> AllCounters => _counters.Values;

    internal void EnsureNotStarted()
    {
        if (IsStarted)
        {
            throw new InvalidOperationException($"The job '{Name}' has started; define its streams before Start.");
        }
    }

    private interface IJobInput
    {
        IRunnableStage Buffer { get; }

        IRunnableStage? Pump { get; }

        void Build(BuildContext context);

        void Complete();

        void StopReading();

        void CompleteAcknowledgements();

        IRunnableStage? Acknowledger { get; }

        void Pause(bool paused);

        void Tick(long now);
    }

    private sealed class JobInput<T>(Stream<T> stream, InputBuffer<T> buffer, SourcePump<T>? pump) : IJobInput
    {
        public IRunnableStage Buffer => buffer;

        public IRunnableStage? Pump => pump;

        public IRunnableStage? Acknowledger { get; } = pump is { IsAcknowledged: true } ? pump.Acknowledger : null;

        public void Build(BuildContext context) => buffer.Downstream = stream.Instantiate(context);

        public void Complete() => buffer.Complete();

        public void StopReading()
        {
            if (pump is null)
            {
                buffer.Complete();
            }
            else
            {
                pump.StopReading();
            }
        }

        public void CompleteAcknowledgements() => pump?.CompleteAcknowledgements();

        public void Pause(bool paused) => buffer.Pause(paused);

        public void Tick(long now) => buffer.PostTick(now);
    }

    private sealed class EnumerableSource<T>(string name, Func<CancellationToken, IAsyncEnumerable<T>> read) : IStreamSource<T>
    {
        public string Name { get; } = name;

        public async IAsyncEnumerable<SourceItem<T>> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in read(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return new SourceItem<T>(item, 0);
            }
        }

        public ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken) => default;

        public ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken) => default;
    }
}
