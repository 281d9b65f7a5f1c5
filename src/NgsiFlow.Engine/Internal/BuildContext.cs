namespace NgsiFlow.Engine.Internal;

/// <summary>What operators need while a job turns its stream descriptions into runtime operators and stages.</summary>
internal sealed class BuildContext
{
    private readonly Dictionary<object, object> _shared;
    private BuildContext? _root;

    public BuildContext(StreamJob job, CancellationToken stopping)
    {
        Job = job;
        Stopping = stopping;
        _shared = [];
        Stages = [];
        Stateful = [];
    }

    private BuildContext(BuildContext parent, Func<uint, bool> ownsKeyHash)
    {
        Job = parent.Job;
        Stopping = parent.Stopping;
        _shared = parent._shared;
        Stages = parent.Stages;
        Stateful = parent.Stateful;
        OwnsKeyHash = ownsKeyHash;
    }

    public StreamJob Job { get; }

    public StreamJobOptions Options => Job.Options;

    public TimeProvider Clock => Job.Options.TimeProvider;

    public ChunkPools Pools => Job.Pools;

    /// <summary>Cancelled when the job stops for good (not on a graceful stop).</summary>
    public CancellationToken Stopping { get; }

    public List<IRunnableStage> Stages { get; }

    public List<IStatefulOperator> Stateful { get; }

    /// <summary>The context outside any lane (for stages shared by several lanes, such as a merge).</summary>
    public BuildContext Root => _root ?? this;

    /// <summary>Whether keys with this stable hash are handled by the lane being built (restores load only those).</summary>
    public Func<uint, bool> OwnsKeyHash { get; } = static _ => true;

    /// <summary>The context of one lane of a split; a keyed split routes hash % count, a round-robin split owns no key
    /// in particular, so restored keyed state goes to its first lane.</summary>
    public BuildContext ForLane(int lane, int laneCount, bool keyed)
    {
        var parent = OwnsKeyHash;
        return keyed
            ? new BuildContext(this, h => parent(h) && h % (uint)laneCount == lane) { _root = Root }
            : new BuildContext(this, h => parent(h) && lane == 0) { _root = Root };
    }

    public OperatorCounters Counters(string name, string kind) => Job.Counters(name, kind);

    public ErrorHandler Errors(string name, string kind, ErrorPolicy? policy)
    {
        var effective = policy ?? Options.DefaultErrorPolicy;
        if (effective.Outcome == ErrorOutcome.DeadLetter && Options.DeadLetterHandler is null)
        {
            throw new InvalidOperationException(
                $"The operator '{name}' of the job '{Job.Name}' sends failed events to dead letters but StreamJobOptions.DeadLetterHandler is not set.");
        }

        return new ErrorHandler(Job.Name, name, effective, Counters(name, kind), Options.DeadLetterHandler, Clock);
    }

    /// <summary>Returns the object built once per job for <paramref name="key"/> (a merge stage shared by its producers).</summary>
    public TValue GetOrAdd<TValue>(object key, Func<TValue> create)
        where TValue : class
    {
        if (!_shared.TryGetValue(key, out var value))
        {
            value = create();
            _shared.Add(key, value);
        }

        return (TValue)value;
    }

    public ChannelStage<T> NewStage<T>(string name, OperatorCounters counters)
    {
        var stage = new ChannelStage<T>(name, Options.StageCapacity, counters);
        Stages.Add(stage);
        return stage;
    }

    /// <summary>The snapshot segments of a stateful operator to restore (none when the job starts fresh).</summary>
    public IEnumerable<byte[]> RestoredSegments(string name) => Job.RestoredSegments(name);
}

/// <summary>An operator whose state a snapshot captures and a new job restores.</summary>
internal interface IStatefulOperator
{
    string Name { get; }

    /// <summary>Adds the state, grouped by key partition; called while the job is paused.</summary>
    void Capture(Action<int, byte[]> addSegment);

    /// <summary>Hands over the acknowledgements of events absorbed into the captured state (a checkpoint commits them).</summary>
    void TakeHeldAcknowledgements(List<AckHandle> into);
}
