using NgsiFlow.Connector;
using NgsiFlow.Ngsi;
using NgsiFlow.Sinks.PostgreSql;

namespace NgsiFlow.Cli.Pipelines.History;

/// <summary>
/// Turns a notified entity into entity-history rows for <see cref="PostgreSqlHistorySink{T}"/>: one row per attribute
/// (the id and type are the row's key, not attributes), the value as JSON text, observed at the attribute's
/// <c>TimeInstant</c>/<c>observedAt</c> when it has one, else when the broker notified, else when NgsiFlow received it.
/// </summary>
internal static class EntityHistoryRows
{
    /// <summary>Adds the rows of one event.</summary>
    /// <param name="e">The notified entity.</param>
    /// <param name="rows">Where to add them.</param>
    public static void Map(NgsiEvent e, ICollection<EntityAttributeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(rows);
        var fallback = e.NotifiedAt ?? e.ReceivedAt;
        foreach (var name in e.Entity.AttributeNames)
        {
            if (!e.Entity.TryGetValue(name, out var value))
            {
                continue;
            }

            var (type, observed) = Describe(e.Entity, name);
            rows.Add(new EntityAttributeRow(
                e.Fiware.Tenant,
                string.IsNullOrEmpty(e.Fiware.ServicePath) ? "/" : e.Fiware.ServicePath,
                e.EntityId,
                e.EntityType,
                name,
                type,
                value.Kind == NgsiValueKind.Null ? null : value.ToJson(),
                observed ?? fallback,
                e.ReceivedAt));
        }
    }

    private static (string Type, DateTimeOffset? Observed) Describe(INgsiEntity entity, string name)
    {
        switch (entity)
        {
            case NgsiV2Entity v2 when v2.Attributes.TryGet(name, out var attribute):
                var instant = attribute.GetMetadata("TimeInstant");
                return (attribute.Type, instant is not null && instant.Value.TryGetString(out var text)
                    && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null);
            case NgsiLdEntity ld when ld.Attributes.TryGet(name, out var property):
                return (property.Kind.ToString(), property.ObservedAt);
            default:
                return ("Property", null);
        }
    }
}
