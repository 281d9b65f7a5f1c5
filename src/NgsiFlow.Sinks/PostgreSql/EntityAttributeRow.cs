namespace NgsiFlow.Sinks.PostgreSql;

/// <summary>One attribute update of one entity: a row of the entity history table.</summary>
/// <param name="Tenant">The FIWARE service (tenant); empty for the default tenant.</param>
/// <param name="ServicePath">The FIWARE service path, <c>/</c> by default.</param>
/// <param name="EntityId">The entity id.</param>
/// <param name="EntityType">The entity type.</param>
/// <param name="Attribute">The attribute name.</param>
/// <param name="AttributeType">The attribute type (<c>Number</c>, <c>Text</c>, <c>Property</c>...).</param>
/// <param name="Value">
/// The attribute value: JSON text (<c>21.5</c>, <c>"text"</c>, <c>{"a":1}</c>) when the table's value column is
/// <c>jsonb</c>, any text when it is <c>text</c>; null for a null value.
/// </param>
/// <param name="ObservedAt">When the value was observed (the attribute's timestamp, or the notification's).</param>
/// <param name="ReceivedAt">When NgsiFlow received it.</param>
public sealed record EntityAttributeRow(
    string Tenant,
    string ServicePath,
    string EntityId,
    string EntityType,
    string Attribute,
    string AttributeType,
    string? Value,
    DateTimeOffset ObservedAt,
    DateTimeOffset ReceivedAt);
