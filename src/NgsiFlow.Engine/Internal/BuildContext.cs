namespace NgsiFlow.Engine.Internal;

/// <summary>What operators need while a job turns its stream descriptions into runtime operators and stages.</summary>
internal sealed class BuildContext
{
    private readonly Dictionary<object, object> _shared;

    public BuildContext(StreamJob job, CancellationToken stopping)
    {
        Job = job;
        Stopping = stopping;
        _shared = [];
        Stages = [];
        Stateful = [];
    }

    private BuildContext(BuildContext parent, int lane, int laneCount)
    {
        Job = parent.Job;
        Stopping = parent.Stopping;
        _shared = parent._shared;
        Stages = parent.Stages;
        Stateful = parent.Stateful;
        Lane = lane;
        LaneCount = laneCount;
    }

    public StreamJob Job { get; }

    public StreamJobOptions Options => Job.Options;

    public TimeProvider Clock => Job.Options.TimeProvider;

    public ChunkPools Pools => Job.Pools;

    /// <summary>Cancelled when the job stops for good (not on a graceful stop).</summary>
    public CancellationToken Stopping { get; }

    public List<IRunnableStage> Stages { get; }

    public List<IStatefulOperator> Stateful { get; }

    /// <summary>The lane the operators being built run in, when a keyed parallel stage split the stream.</summary>
    public int Lane { get; }

    public int LaneCount { get; } = 1;

    public BuildContext ForLane(int lane, int laneCount) => new(this, lane, laneCount);

    public OperatorCounters Counters(string name, string kind) => Job.Counters(name, kind);

    public ErrorHandler Errors(string name, string kind, ErrorPolicy? policy) =>
        new(Job.Name, name, policy ?? Options.DefaultErrorPolicy, Counters(name, kind), Options.DeadLetterHandler, Clock);

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
