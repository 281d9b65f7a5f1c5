using System.Buffers;
using System.Text.Json;
using NgsiFlow.Ngsi.Internal;

namespace NgsiFlow.Ngsi;

/// <summary>
/// Writes NGSI-v2 JSON: entities (POST /v2/entities), attribute patches (PATCH /v2/entities/{id}/attrs),
/// batch updates (POST /v2/op/update) and notifications, in normalized or keyValues form.
/// Every operation writes to a <see cref="Utf8JsonWriter"/>, an <see cref="IBufferWriter{T}"/>, or a new byte array.
/// </summary>
public static class NgsiV2Writer
{
    /// <summary>Writes an entity object.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="entity">The entity.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    /// <param name="includeEmptyMetadata">Write <c>"metadata":{}</c> for attributes without metadata, as Orion's responses do.</param>
    public static void WriteEntity(Utf8JsonWriter writer, NgsiV2Entity entity, NgsiV2Representation representation = NgsiV2Representation.Normalized, bool includeEmptyMetadata = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entity);
        writer.WriteStartObject();
        writer.WriteString("id"u8, entity.Id);
        writer.WriteString("type"u8, entity.Type);
        WriteMembers(writer, entity.Attributes, representation, includeEmptyMetadata);
        writer.WriteEndObject();
    }

    /// <summary>Writes an entity object.</summary>
    /// <param name="output">Destination.</param>
    /// <param name="entity">The entity.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static void WriteEntity(IBufferWriter<byte> output, NgsiV2Entity entity, NgsiV2Representation representation = NgsiV2Representation.Normalized) =>
        JsonOutput.Write(output, (entity, representation), static (w, s) => WriteEntity(w, s.entity, s.representation));

    /// <summary>An entity object as UTF-8 JSON.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static byte[] EntityToBytes(NgsiV2Entity entity, NgsiV2Representation representation = NgsiV2Representation.Normalized) =>
        JsonOutput.ToBytes((entity, representation), static (w, s) => WriteEntity(w, s.entity, s.representation));

    /// <summary>Writes an object of attributes without id and type: the body of PATCH or POST /v2/entities/{id}/attrs.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static void WriteAttributes(Utf8JsonWriter writer, IEnumerable<NgsiV2Attribute> attributes, NgsiV2Representation representation = NgsiV2Representation.Normalized)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(attributes);
        writer.WriteStartObject();
        WriteMembers(writer, attributes, representation, emptyMetadata: false);
        writer.WriteEndObject();
    }

    /// <summary>Writes an object of attributes (PATCH body).</summary>
    /// <param name="output">Destination.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static void WriteAttributes(IBufferWriter<byte> output, IEnumerable<NgsiV2Attribute> attributes, NgsiV2Representation representation = NgsiV2Representation.Normalized) =>
        JsonOutput.Write(output, (attributes, representation), static (w, s) => WriteAttributes(w, s.attributes, s.representation));

    /// <summary>An object of attributes (PATCH body) as UTF-8 JSON.</summary>
    /// <param name="attributes">The attributes.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static byte[] AttributesToBytes(IEnumerable<NgsiV2Attribute> attributes, NgsiV2Representation representation = NgsiV2Representation.Normalized) =>
        JsonOutput.ToBytes((attributes, representation), static (w, s) => WriteAttributes(w, s.attributes, s.representation));

    /// <summary>Writes a JSON array of entities.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    /// <param name="includeEmptyMetadata">Write <c>"metadata":{}</c> for attributes without metadata, as Orion's responses do.</param>
    public static void WriteEntities(Utf8JsonWriter writer, IEnumerable<NgsiV2Entity> entities, NgsiV2Representation representation = NgsiV2Representation.Normalized, bool includeEmptyMetadata = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entities);
        writer.WriteStartArray();
        foreach (var e in entities)
        {
            WriteEntity(writer, e, representation, includeEmptyMetadata);
        }

        writer.WriteEndArray();
    }

    /// <summary>A JSON array of entities as UTF-8 JSON.</summary>
    /// <param name="entities">The entities.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    /// <param name="includeEmptyMetadata">Write <c>"metadata":{}</c> for attributes without metadata.</param>
    public static byte[] EntitiesToBytes(IEnumerable<NgsiV2Entity> entities, NgsiV2Representation representation = NgsiV2Representation.Normalized, bool includeEmptyMetadata = false) =>
        JsonOutput.ToBytes((entities, representation, includeEmptyMetadata), static (w, s) => WriteEntities(w, s.entities, s.representation, s.includeEmptyMetadata));

    /// <summary>
    /// Writes one attribute as an object: <c>{"type":..,"value":..,"metadata":{..}}</c>
    /// (GET or PUT /v2/entities/{id}/attrs/{name}). Metadata is always written, as Orion does.
    /// </summary>
    /// <param name="writer">Destination.</param>
    /// <param name="attribute">The attribute.</param>
    public static void WriteAttribute(Utf8JsonWriter writer, NgsiV2Attribute attribute)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(attribute);
        WriteAttributeObject(writer, attribute, emptyMetadata: true);
    }

    /// <summary>One attribute object as UTF-8 JSON.</summary>
    /// <param name="attribute">The attribute.</param>
    public static byte[] AttributeToBytes(NgsiV2Attribute attribute) =>
        JsonOutput.ToBytes(attribute, static (w, a) => WriteAttribute(w, a));

    /// <summary>Writes the body of <c>POST /v2/op/update</c>: <c>{"actionType": ..., "entities": [...]}</c>.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="action">The action type.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="representation">Normalized or keyValues (send <c>options=keyValues</c> with the latter).</param>
    public static void WriteBatchUpdate(Utf8JsonWriter writer, NgsiV2BatchAction action, IEnumerable<NgsiV2Entity> entities, NgsiV2Representation representation = NgsiV2Representation.Normalized)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entities);
        writer.WriteStartObject();
        writer.WriteString("actionType"u8, ActionName(action));
        writer.WritePropertyName("entities"u8);
        WriteEntities(writer, entities, representation);
        writer.WriteEndObject();
    }

    /// <summary>Writes the body of <c>POST /v2/op/update</c>.</summary>
    /// <param name="output">Destination.</param>
    /// <param name="action">The action type.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static void WriteBatchUpdate(IBufferWriter<byte> output, NgsiV2BatchAction action, IEnumerable<NgsiV2Entity> entities, NgsiV2Representation representation = NgsiV2Representation.Normalized) =>
        JsonOutput.Write(output, (action, entities, representation), static (w, s) => WriteBatchUpdate(w, s.action, s.entities, s.representation));

    /// <summary>The body of <c>POST /v2/op/update</c> as UTF-8 JSON.</summary>
    /// <param name="action">The action type.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="representation">Normalized or keyValues.</param>
    public static byte[] BatchUpdateToBytes(NgsiV2BatchAction action, IEnumerable<NgsiV2Entity> entities, NgsiV2Representation representation = NgsiV2Representation.Normalized) =>
        JsonOutput.ToBytes((action, entities, representation), static (w, s) => WriteBatchUpdate(w, s.action, s.entities, s.representation));

    /// <summary>
    /// Writes a notification body as Orion sends it, in any v2 format but custom. The simplified formats carry
    /// only the first entity (Orion sends one notification per entity for them).
    /// </summary>
    /// <param name="writer">Destination.</param>
    /// <param name="format">The format.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="valuesAttributeNames">For the values format: the attribute order; null uses each entity's own order.</param>
    public static void WriteNotification(Utf8JsonWriter writer, NotificationFormat format, string subscriptionId, IReadOnlyList<NgsiV2Entity> entities, IReadOnlyList<string>? valuesAttributeNames = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(entities);
        switch (format)
        {
            case NotificationFormat.V2SimplifiedNormalized:
            case NotificationFormat.V2SimplifiedKeyValues:
                if (entities.Count == 0)
                {
                    throw new ArgumentException("A simplified notification needs an entity.", nameof(entities));
                }

                writer.WriteStartObject();
                writer.WriteString("id"u8, entities[0].Id);
                writer.WriteString("type"u8, entities[0].Type);
                WriteMembers(writer, entities[0].Attributes, format == NotificationFormat.V2SimplifiedNormalized ? NgsiV2Representation.Normalized : NgsiV2Representation.KeyValues, emptyMetadata: true);
                writer.WriteEndObject();
                return;
            case NotificationFormat.V2Normalized:
            case NotificationFormat.V2KeyValues:
            case NotificationFormat.V2Values:
                break;
            default:
                throw new ArgumentException($"{format} is not an NGSI-v2 notification format NgsiV2Writer can write.", nameof(format));
        }

        writer.WriteStartObject();
        writer.WriteString("subscriptionId"u8, subscriptionId);
        writer.WriteStartArray("data"u8);
        foreach (var entity in entities)
        {
            if (format == NotificationFormat.V2Values)
            {
                writer.WriteStartArray();
                if (valuesAttributeNames is null)
                {
                    foreach (var a in entity.Attributes)
                    {
                        a.Value.WriteTo(writer);
                    }
                }
                else
                {
                    foreach (var name in valuesAttributeNames)
                    {
                        if (entity.Attributes.TryGet(name, out var a))
                        {
                            a.Value.WriteTo(writer);
                        }
                    }
                }

                writer.WriteEndArray();
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("id"u8, entity.Id);
            writer.WriteString("type"u8, entity.Type);
            WriteMembers(writer, entity.Attributes, format == NotificationFormat.V2Normalized ? NgsiV2Representation.Normalized : NgsiV2Representation.KeyValues, emptyMetadata: true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A notification body as UTF-8 JSON (see <see cref="WriteNotification(Utf8JsonWriter, NotificationFormat, string, IReadOnlyList{NgsiV2Entity}, IReadOnlyList{string}?)"/>).</summary>
    /// <param name="format">The format.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="valuesAttributeNames">For the values format: the attribute order.</param>
    public static byte[] NotificationToBytes(NotificationFormat format, string subscriptionId, IReadOnlyList<NgsiV2Entity> entities, IReadOnlyList<string>? valuesAttributeNames = null) =>
        JsonOutput.ToBytes((format, subscriptionId, entities, valuesAttributeNames), static (w, s) => WriteNotification(w, s.format, s.subscriptionId, s.entities, s.valuesAttributeNames));

    /// <summary>The wire name of a batch action.</summary>
    /// <param name="action">The action.</param>
    public static string ActionName(NgsiV2BatchAction action) => action switch
    {
        NgsiV2BatchAction.Append => "append",
        NgsiV2BatchAction.AppendStrict => "appendStrict",
        NgsiV2BatchAction.Update => "update",
        NgsiV2BatchAction.Delete => "delete",
        NgsiV2BatchAction.Replace => "replace",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown batch action."),
    };

    private static void WriteMembers(Utf8JsonWriter writer, IEnumerable<NgsiV2Attribute> attributes, NgsiV2Representation representation, bool emptyMetadata)
    {
        foreach (var a in attributes)
        {
            writer.WritePropertyName(a.Name);
            if (representation == NgsiV2Representation.KeyValues)
            {
                a.Value.WriteTo(writer);
                continue;
            }

            WriteAttributeObject(writer, a, emptyMetadata);
        }
    }

    private static void WriteAttributeObject(Utf8JsonWriter writer, NgsiV2Attribute a, bool emptyMetadata)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, a.Type);
        writer.WritePropertyName("value"u8);
        a.Value.WriteTo(writer);
        if (a.Metadata.Count > 0 || emptyMetadata)
        {
            writer.WriteStartObject("metadata"u8);
            foreach (var m in a.Metadata)
            {
                writer.WriteStartObject(m.Name);
                writer.WriteString("type"u8, m.Type);
                writer.WritePropertyName("value"u8);
                m.Value.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
