using NgsiFlow.Connector;
using NgsiFlow.Engine.Records;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs.Internal;

/// <summary>
/// A job file's <c>transforms</c> on NGSI updates: the entity's attributes become a record's fields (with its
/// <c>id</c> and <c>type</c>), the pipeline runs, and the record becomes the entity the rest of the job reads, its
/// attributes typed from their values. Filtered updates are skipped and invalid ones counted as errors, with the reason.
/// </summary>
internal sealed class EntityTransforms(RecordPipeline pipeline)
{
    private static readonly RecordEntityMap Back = new("${id}", "${type}");

    public RecordPipeline Pipeline { get; } = pipeline;

    /// <summary>The update with its entity transformed; null with <paramref name="skipped"/> or <paramref name="error"/> set otherwise.</summary>
    public NgsiEvent? Apply(NgsiEvent e, out string? skipped, out string? error)
    {
        skipped = null;
        var record = new Record { ["id"] = e.EntityId, ["type"] = e.EntityType };
        foreach (var name in e.Entity.AttributeNames)
        {
            if (name is not ("id" or "type") && e.Entity.TryGetValue(name, out var value))
            {
                record[name] = ToRecordValue(value);
            }
        }

        var result = Pipeline.Process(record, new RecordContext(e.Job, e.ReceivedAt));
        if (result.IsDeadLetter)
        {
            error = $"entity '{e.EntityId}': {result.Reason}";
            return null;
        }

        if (result.Output == RecordPipeline.FilteredOutput)
        {
            error = null;
            skipped = "left out by a filter transform";
            return null;
        }

        var transformed = result.Record;
        transformed["id"] = e.EntityId;
        transformed["type"] = e.EntityType;
        if (!Back.TryMap(transformed, out var entity, out var reason))
        {
            error = $"entity '{e.EntityId}': after the transforms, {reason}";
            return null;
        }

        error = null;
        return new NgsiEvent(e.Job, entity, e.Fiware, e.Format, e.SubscriptionId, e.NotifiedAt, e.ReceivedAt) { LdContext = e.LdContext, TraceContext = e.TraceContext };
    }

    private static object? ToRecordValue(NgsiValue value) => value.Kind switch
    {
        NgsiValueKind.String => value.GetString(),
        NgsiValueKind.Number => value.GetNumber(),
        NgsiValueKind.Boolean => value.GetBoolean(),
        NgsiValueKind.Array => value.Items.ToArray().Select(ToRecordValue).ToArray(),
        NgsiValueKind.Object => new Record(value.Members.ToArray().Select(m => new KeyValuePair<string, object?>(m.Name, ToRecordValue(m.Value)))),
        _ => null,
    };
}
