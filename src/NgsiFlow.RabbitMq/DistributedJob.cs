using NgsiFlow.Connector;
using NgsiFlow.Engine;

namespace NgsiFlow.RabbitMq;

/// <summary>
/// A job as the distributed mode needs it: its name (which routes notifications and names the RabbitMQ topology),
/// the subscriptions receivers create for it, its idempotency key, and its operators, written once as a function of
/// the input stream: the same definition runs in-process (<c>Definition(context).Create()</c>) and on workers.
/// </summary>
/// <example>
/// <code>
/// var job = new DistributedJob("averages", (input, context) => input
///     .KeyBy(e => e.EntityId)
///     .RunningStatistics(e => e.Entity.GetNumber("temperature"), name: "stats")
///     .ForEachAsync((s, ct) => new ValueTask(context.Replier.UpdateAttributesAsync(s.Key, "Room", [...], null, ct))))
/// {
///     Subscriptions = [new SubscriptionRequest { Entities = [EntityFilter.OfType("Room")], ConditionAttributes = ["temperature"] }],
///     IdempotencyKey = DistributedJob.EntityAndModified,
/// };
/// JobRegistry.Default.Register(job);
/// </code>
/// </example>
public sealed class DistributedJob
{
    private readonly Action<Stream<NgsiEvent>, WorkerContext> _define;

    /// <summary>Creates the job.</summary>
    /// <param name="name">The job's name: letters, digits, '-', '_' and '.'.</param>
    /// <param name="define">Defines the operators and sinks on the input stream; write-backs use the context's replier.</param>
    public DistributedJob(string name, Action<Stream<NgsiEvent>, WorkerContext> define)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(define);
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"The job name '{name}' may hold only ASCII letters, digits, '-', '_' and '.'.", nameof(name));
        }

        Name = name;
        _define = define;
    }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>A one-line description for <c>ngsiflow worker --list</c>.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>The subscriptions a receiver creates for the job on its broker (none: the broker is configured by hand).</summary>
    public IReadOnlyList<SubscriptionRequest> Subscriptions { get; init; } = [];

    /// <summary>
    /// The key that identifies an update, so that one delivered twice (a failover, a broker retrying a notification)
    /// is recognised and skipped; for example <see cref="EntityAndModified"/>. Null when the job declares none: then
    /// duplicates are still counted (as redeliveries) but not recognised.
    /// </summary>
    public Func<NgsiEvent, string?>? IdempotencyKey { get; init; }

    /// <summary>An idempotency key made of the entity id and its <c>dateModified</c> (NGSI-v2 builtin attribute, when
    /// the subscription notifies it) or <c>modifiedAt</c> (NGSI-LD); null when the entity carries neither.</summary>
    public static Func<NgsiEvent, string?> EntityAndModified { get; } = e =>
        e.Entity.TryGetValue("dateModified", out var v) || e.Entity.TryGetValue("modifiedAt", out v)
            ? e.EntityId + "@" + (v.TryGetString(out var s) ? s : v.ToJson())
            : null;

    /// <summary>Engine settings for the job's instances (chunk size, error policy...); null for the defaults.</summary>
    public Func<StreamJobOptions>? Options { get; init; }

    /// <summary>The engine definition of the job, bound to a worker's (or an in-process host's) context.</summary>
    /// <param name="context">Where write-backs go, logging.</param>
    /// <returns>The definition; <c>Create()</c> runs it in-process, <c>Create(source)</c> from a source.</returns>
    public JobDefinition<NgsiEvent> Definition(WorkerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new JobDefinition<NgsiEvent>(Name, input => _define(input, context));
    }
}
