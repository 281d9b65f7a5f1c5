using System.Net;
using System.Text.Json.Nodes;
using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Inference;
using NgsiFlow.Jobs.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs;

/// <summary>A job file as read and checked by <see cref="JobFile"/>: what to subscribe to, score, aggregate and write back.</summary>
public sealed class JobSpec
{
    /// <summary>The job's name: routes notifications (<c>/notify/{name}</c>) and names its subscription.</summary>
    public required string Name { get; init; }

    /// <summary>A one-line description, or empty.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>The file the job was read from, as given.</summary>
    public required string File { get; init; }

    /// <summary>The directory relative paths in the file (the model) are taken from.</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>The broker to subscribe on and write back to.</summary>
    public required JobBroker Broker { get; init; }

    /// <summary>What the job is notified of.</summary>
    public required JobSubscription Subscribe { get; init; }

    /// <summary>Where notifications are received.</summary>
    public JobReceiver Receiver { get; init; } = new(9100, IPAddress.Loopback, null);

    /// <summary>
    /// Record transforms applied to each notified entity (its attributes as fields, with <c>id</c> and <c>type</c>)
    /// before the window and the features; null when the file has none.
    /// </summary>
    public NgsiFlow.Engine.Records.RecordPipeline? Transforms { get; init; }

    /// <summary>The model's inputs in its input order; null for "auto" (each model feature from the attribute of its name).</summary>
    public IReadOnlyList<JobFeature>? Features { get; init; }

    /// <summary>The model, or null for a job that only aggregates.</summary>
    public JobModel? Model { get; init; }

    /// <summary>The attributes written back.</summary>
    public required IReadOnlyList<JobOutput> Outputs { get; init; }

    /// <summary>The window the aggregates are computed over, or null.</summary>
    public JobWindow? Window { get; init; }

    /// <summary>How outputs are written back.</summary>
    public JobWriteBack WriteBack { get; init; } = new(JobWriteBackMode.Append, null, null, null, TimeSpan.Zero);

    /// <summary>Where written outputs are also stored.</summary>
    public IReadOnlyList<JobSink> Sinks { get; init; } = [];

    internal YamlDocument? Document { get; init; }

    /// <summary>The position of a field of the file (a JSON pointer such as <c>/model/path</c>), for errors found after loading.</summary>
    internal JobFileError ErrorAt(string pointer, string message)
    {
        var (line, column) = Document?.ValueAt(pointer) ?? (0, 0);
        return new JobFileError(File, line, column, YamlDocument.FieldOf(pointer), message);
    }
}

/// <summary>The <c>broker</c> section.</summary>
/// <param name="Url">The broker's base URL; null when <paramref name="Embedded"/>.</param>
/// <param name="Embedded">Whether NgsiFlow starts an embedded NGSI-v2 broker for the job.</param>
/// <param name="Api">NGSI-v2 or NGSI-LD.</param>
/// <param name="Tenant">The FIWARE service, or null.</param>
/// <param name="ServicePath">The FIWARE service path, or null.</param>
/// <param name="Auth">How requests to the broker authenticate.</param>
public sealed record JobBroker(Uri? Url, bool Embedded, NgsiApi Api, string? Tenant, string? ServicePath, NgsiAuthOptions Auth);

/// <summary>The <c>subscribe</c> section.</summary>
/// <param name="Entities">The entities (at least one filter).</param>
/// <param name="ConditionAttributes">The attributes whose change notifies; null for "the attributes the features read".</param>
/// <param name="Attributes">The attributes notified; empty for all.</param>
/// <param name="Expression">A simple query language expression, or null.</param>
/// <param name="Format">The notification format asked for.</param>
/// <param name="Throttling">The minimum time between notifications, or null.</param>
/// <param name="Lifetime">How long the subscription lives before it is renewed, or null for the connector's default.</param>
public sealed record JobSubscription(
    IReadOnlyList<EntityFilter> Entities,
    IReadOnlyList<string>? ConditionAttributes,
    IReadOnlyList<string> Attributes,
    string? Expression,
    NotificationFormat Format,
    TimeSpan? Throttling,
    TimeSpan? Lifetime);

/// <summary>The <c>receiver</c> section.</summary>
/// <param name="Port">The port (0 picks a free one).</param>
/// <param name="Listen">The address listened on.</param>
/// <param name="PublicUrl">The URL the broker reaches the receiver at, or null for the listening address.</param>
public sealed record JobReceiver(int Port, IPAddress Listen, Uri? PublicUrl);

/// <summary>Where a model input comes from.</summary>
public enum JobFeatureKind
{
    /// <summary>A numeric attribute.</summary>
    Attribute,

    /// <summary>A window aggregate.</summary>
    Aggregate,

    /// <summary>A text attribute expanded to one 0/1 input per listed value.</summary>
    OneHot,
}

/// <summary>One entry of <c>features</c>.</summary>
/// <param name="Kind">Where the input comes from.</param>
/// <param name="Source">The attribute or aggregate name.</param>
/// <param name="Values">The values of a one-hot attribute (one input each); empty otherwise.</param>
/// <param name="Default">The value used when the attribute is missing; null skips the update (counted).</param>
/// <param name="Scale">Multiplies <c>value + Offset</c>.</param>
/// <param name="Offset">Added to the value before scaling.</param>
public sealed record JobFeature(JobFeatureKind Kind, string Source, IReadOnlyList<string> Values, double? Default, double Scale, double Offset)
{
    /// <summary>How many model inputs the entry fills.</summary>
    public int Width => Kind == JobFeatureKind.OneHot ? Values.Count : 1;
}

/// <summary>The <c>model</c> section.</summary>
/// <param name="Path">The .onnx file, absolute.</param>
/// <param name="Engine">Which evaluator runs it.</param>
public sealed record JobModel(string Path, OnnxModelEngine Engine);

/// <summary>What an output attribute holds.</summary>
public enum JobOutputKind
{
    /// <summary>A model output (numbers, or a label).</summary>
    Model,

    /// <summary>The classifier's predicted label.</summary>
    Label,

    /// <summary>The classifier's probabilities, as an object from label to probability.</summary>
    Probabilities,

    /// <summary>A window aggregate.</summary>
    Aggregate,

    /// <summary>The absolute difference between the prediction and an attribute of the notified entity.</summary>
    ErrorAgainst,
}

/// <summary>One entry of <c>outputs</c>.</summary>
/// <param name="Attribute">The attribute written.</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Source">The model output, aggregate or compared attribute; null for the model's first output.</param>
/// <param name="Type">The attribute type, or null for the natural one (Number, Text, StructuredValue).</param>
/// <param name="ModelMetadata">Whether the attribute carries metadata <c>model</c>.</param>
/// <param name="TimeMetadata">Whether the attribute carries metadata <c>predictedAt</c>.</param>
public sealed record JobOutput(string Attribute, JobOutputKind Kind, string? Source, string? Type, bool ModelMetadata, bool TimeMetadata);

/// <summary>The kind of a window.</summary>
public enum JobWindowKind
{
    /// <summary>Fixed, non-overlapping windows of a size.</summary>
    Tumbling,

    /// <summary>Windows of a size, starting every slide.</summary>
    Sliding,

    /// <summary>Updates closer than a gap to each other.</summary>
    Session,
}

/// <summary>Which clock places an update in a window.</summary>
public enum JobTimeSource
{
    /// <summary>The update's own time: its time attribute, else the notification time.</summary>
    Event,

    /// <summary>When the broker notified it.</summary>
    Notification,
}

/// <summary>When window aggregates are written.</summary>
public enum JobWindowEmit
{
    /// <summary>On every update, the open window's aggregates so far.</summary>
    Update,

    /// <summary>Once, when an update of a later window shows the window complete.</summary>
    Close,
}

/// <summary>A window aggregate function.</summary>
public enum JobAggregateOp
{
    /// <summary>The number of updates.</summary>
    Count,

    /// <summary>The sum of the attribute.</summary>
    Sum,

    /// <summary>The mean of the attribute.</summary>
    Avg,

    /// <summary>The smallest value.</summary>
    Min,

    /// <summary>The largest value.</summary>
    Max,

    /// <summary>The first value in the window.</summary>
    First,

    /// <summary>The last value in the window.</summary>
    Last,
}

/// <summary>One window aggregate.</summary>
/// <param name="Name">Its name, used by features and outputs.</param>
/// <param name="Op">The function.</param>
/// <param name="Attribute">The numeric attribute aggregated; null for count.</param>
public sealed record JobAggregate(string Name, JobAggregateOp Op, string? Attribute);

/// <summary>The <c>window</c> section.</summary>
/// <param name="Kind">Tumbling, sliding or session.</param>
/// <param name="Size">The window size (tumbling, sliding).</param>
/// <param name="Slide">How often a sliding window starts.</param>
/// <param name="Gap">The inactivity that ends a session.</param>
/// <param name="Time">Event or notification time.</param>
/// <param name="TimeAttribute">The attribute holding event time, or null for <c>dateObserved</c>/<c>TimeInstant</c>.</param>
/// <param name="KeyAttribute">The attribute keying the windows, or null for the entity.</param>
/// <param name="Emit">When aggregates are written.</param>
/// <param name="Aggregates">The aggregates computed.</param>
public sealed record JobWindow(
    JobWindowKind Kind,
    TimeSpan Size,
    TimeSpan Slide,
    TimeSpan Gap,
    JobTimeSource Time,
    string? TimeAttribute,
    string? KeyAttribute,
    JobWindowEmit Emit,
    IReadOnlyList<JobAggregate> Aggregates);

/// <summary>How outputs reach the broker.</summary>
public enum JobWriteBackMode
{
    /// <summary>PATCH the notified entity's attributes (they must exist).</summary>
    Patch,

    /// <summary>POST the attributes to the notified entity (created when missing).</summary>
    Append,

    /// <summary>Upsert an entity (<see cref="JobWriteBack.EntityId"/>, default the notified one) with the attributes.</summary>
    Upsert,

    /// <summary>Upsert the entity the template describes, its placeholders filled in.</summary>
    Template,
}

/// <summary>The <c>writeBack</c> section.</summary>
/// <param name="Mode">How outputs are written.</param>
/// <param name="EntityId">The id written to (upsert), with <c>${id}</c>, <c>${type}</c>, <c>${key}</c>; null for the notified entity.</param>
/// <param name="EntityType">The type written to (upsert), or null for the notified entity's.</param>
/// <param name="Template">The NGSI-v2 entity template (template mode).</param>
/// <param name="BatchWindow">How long writes are gathered into one batch update; zero sends each at once.</param>
public sealed record JobWriteBack(JobWriteBackMode Mode, string? EntityId, string? EntityType, JsonObject? Template, TimeSpan BatchWindow);

/// <summary>A store the job's outputs are also written to.</summary>
public abstract record JobSink;

/// <summary>An InfluxDB 1.x sink: one point per write, tagged with entity id and type, one field per numeric output.</summary>
/// <param name="Url">The server.</param>
/// <param name="Database">The database.</param>
/// <param name="Measurement">The measurement, default the job's name.</param>
/// <param name="Username">The user, or null.</param>
/// <param name="Password">The password, or null.</param>
/// <param name="CreateDatabase">Whether the database is created at start.</param>
public sealed record JobInfluxDbSink(Uri Url, string Database, string? Measurement, string? Username, string? Password, bool CreateDatabase) : JobSink;

/// <summary>A PostgreSQL history sink: one row per written attribute.</summary>
/// <param name="ConnectionString">The Npgsql connection string.</param>
/// <param name="Schema">The table's schema, or null for <c>public</c>.</param>
/// <param name="Table">The table, or null for <c>entity_history</c>.</param>
public sealed record JobPostgreSqlSink(string ConnectionString, string? Schema, string? Table) : JobSink;

/// <summary>A RabbitMQ sink: one JSON message (the NGSI-v2 entity written) per write.</summary>
/// <param name="Uri">The AMQP URI.</param>
/// <param name="Exchange">The exchange.</param>
/// <param name="RoutingKey">The routing key, or null for the entity type.</param>
public sealed record JobRabbitMqSink(Uri Uri, string Exchange, string? RoutingKey) : JobSink;
