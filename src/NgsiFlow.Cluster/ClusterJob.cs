using System.Text.Json;
using NgsiFlow.Connector;
using NgsiFlow.Engine;

namespace NgsiFlow.Cluster;

/// <summary>
/// A job that runs on the cluster: every event is routed by its <see cref="Key"/> to that key's grain, which applies
/// it to the key's state and stores the new state, the event's idempotency key and the write-backs it asked for before
/// the receiver answers 2xx. The same job runs in one process through <see cref="ClusterJob{TState}.InProcess"/>.
/// </summary>
public abstract class ClusterJob
{
    private protected ClusterJob(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"The job name '{name}' may hold only ASCII letters, digits, '-', '_' and '.'.", nameof(name));
        }

        Name = name;
    }

    /// <summary>The job's name: it routes notifications (<c>/notify/{name}</c>) and prefixes its grains' keys.</summary>
    public string Name { get; }

    /// <summary>A one-line description, for listings and logs.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>The subscriptions the cluster makes for the job on its broker, one each for the whole cluster.</summary>
    public IReadOnlyList<SubscriptionRequest> Subscriptions { get; init; } = [];

    /// <summary>The key an event's state belongs to; default the entity id. One grain holds each key's state.</summary>
    public Func<NgsiEvent, string> Key { get; init; } = static e => e.EntityId;

    /// <summary>
    /// Identifies an update so that one delivered twice (a broker or load balancer sending it again after a failure)
    /// is recognised by its key's grain and skipped; default <see cref="EntityAndModified"/>. An event for which it
    /// returns null is always applied.
    /// </summary>
    public Func<NgsiEvent, string?> IdempotencyKey { get; init; } = EntityAndModified;

    /// <summary>How many idempotency keys each grain remembers (the most recent ones); default 256.</summary>
    public int RememberedKeys { get; init; } = 256;

    /// <summary>An idempotency key made of the entity id and its <c>dateModified</c> (NGSI-v2, when notified) or
    /// <c>modifiedAt</c> (NGSI-LD); null when the entity carries neither.</summary>
    public static Func<NgsiEvent, string?> EntityAndModified { get; } = static e =>
        e.Entity.TryGetValue("dateModified", out var v) || e.Entity.TryGetValue("modifiedAt", out v)
            ? e.EntityId + "@" + (v.TryGetString(out var s) ? s : v.ToJson())
            : null;

    internal abstract object NewState(string key);

    internal abstract object ReadState(string json);

    internal abstract string WriteState(object state);

    internal abstract void Apply(string key, object state, NgsiEvent e, List<WriteBack> output);
}

/// <summary>A <see cref="ClusterJob"/> whose per-key state is a <typeparamref name="TState"/>, stored as JSON.</summary>
/// <typeparam name="TState">The per-key state: a class System.Text.Json can write and read back.</typeparam>
/// <example>
/// <code>
/// var job = new ClusterJob&lt;Totals&gt;("totals", _ => new Totals(), (key, state, e, output) =>
/// {
///     state.Count++;
///     output.Add(new WriteBack(e.EntityId, e.EntityType, [new NgsiV2Attribute("count", NgsiValue.FromNumber(state.Count), "Number")]));
/// })
/// {
///     Subscriptions = [new SubscriptionRequest { Entities = [EntityFilter.OfType("Sensor")] }],
/// };
/// </code>
/// </example>
public sealed class ClusterJob<TState> : ClusterJob
    where TState : class
{
    private readonly Func<string, TState> _initialState;
    private readonly Action<string, TState, NgsiEvent, ICollection<WriteBack>> _apply;

    /// <summary>Creates the job.</summary>
    /// <param name="name">The job's name: ASCII letters, digits, '-', '_' and '.'.</param>
    /// <param name="initialState">The state of a key's first event.</param>
    /// <param name="apply">Applies one event to its key's state (in place) and adds the write-backs it causes. It must
    /// be deterministic and touch nothing but the state and the output: on the cluster it may run again on another
    /// node after a failure, from the last stored state.</param>
    public ClusterJob(string name, Func<string, TState> initialState, Action<string, TState, NgsiEvent, ICollection<WriteBack>> apply)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(initialState);
        ArgumentNullException.ThrowIfNull(apply);
        _initialState = initialState;
        _apply = apply;
    }

    /// <summary>How the state is written to grain storage; default the web defaults of System.Text.Json.</summary>
    public JsonSerializerOptions StateJson { get; init; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The same job on the in-process engine: events keyed by <see cref="ClusterJob.Key"/>, the state kept by the
    /// engine's keyed <c>Process</c> operator, the write-backs sent through <paramref name="replier"/> in order per entity.
    /// </summary>
    /// <param name="replier">Where write-backs go.</param>
    /// <param name="parallelism">How many entities are written concurrently.</param>
    /// <returns>The engine definition; run it with <c>Create()</c>.</returns>
    public JobDefinition<NgsiEvent> InProcess(NgsiReplier replier, int parallelism = 4)
    {
        ArgumentNullException.ThrowIfNull(replier);
        return new JobDefinition<NgsiEvent>(Name, input => input
            .KeyBy(Key)
            .Process<string, NgsiEvent, TState, WriteBack>(
                key => _initialState(key),
                (string key, ref TState state, NgsiEvent e, Emitter<WriteBack> output) =>
                {
                    var writes = new List<WriteBack>(1);
                    _apply(key, state, e, writes);
                    foreach (var w in writes)
                    {
                        output.Emit(w);
                    }
                },
                name: Name)
            .KeyBy(w => w.EntityId)
            .ForEachAsync((w, ct) => new ValueTask(Internal.WriteBacks.SendAsync(replier, w, ct)), parallelism: parallelism, name: "write-back",
                onError: ErrorPolicy.Fail.WithRetry(5, TimeSpan.FromMilliseconds(200))));
    }

    internal override object NewState(string key) => _initialState(key);

    internal override object ReadState(string json) =>
        JsonSerializer.Deserialize<TState>(json, StateJson) ?? throw new JsonException($"The stored state of job '{Name}' is null.");

    internal override string WriteState(object state) => JsonSerializer.Serialize((TState)state, StateJson);

    internal override void Apply(string key, object state, NgsiEvent e, List<WriteBack> output) => _apply(key, (TState)state, e, output);
}
