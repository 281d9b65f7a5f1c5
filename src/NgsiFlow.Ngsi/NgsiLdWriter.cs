using System.Buffers;
using System.Text.Json;
using NgsiFlow.Ngsi.Internal;

namespace NgsiFlow.Ngsi;

/// <summary>
/// Writes NGSI-LD JSON: entities, attribute patches (PATCH /ngsi-ld/v1/entities/{id}/attrs), entity arrays
/// (POST /ngsi-ld/v1/entityOperations/upsert) and notifications, in normalized, concise or simplified form.
/// Every operation writes to a <see cref="Utf8JsonWriter"/>, an <see cref="IBufferWriter{T}"/>, or a new byte array.
/// </summary>
public static partial class NgsiLdWriter
{
    /// <summary>
    /// Writes an entity object. Its own <see cref="NgsiLdEntity.Context"/> is written as <c>@context</c>, unless
    /// <paramref name="context"/> is given (not JSON null), which wins.
    /// </summary>
    /// <param name="writer">Destination.</param>
    /// <param name="entity">The entity.</param>
    /// <param name="representation">Normalized, concise or simplified.</param>
    /// <param name="context">An <c>@context</c> to write (for <c>application/ld+json</c> bodies), or JSON null.</param>
    public static void WriteEntity(Utf8JsonWriter writer, NgsiLdEntity entity, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entity);
        writer.WriteStartObject();
        writer.WriteString("id"u8, entity.Id);
        WriteStrings(writer, "type"u8, entity.Types);
        if (entity.Scopes.Count > 0)
        {
            WriteStrings(writer, "scope"u8, entity.Scopes);
        }

        if (entity.CreatedAt is { } created)
        {
            writer.WriteString("createdAt"u8, NgsiDates.Format(created));
        }

        if (entity.ModifiedAt is { } modified)
        {
            writer.WriteString("modifiedAt"u8, NgsiDates.Format(modified));
        }

        WriteAttributeMembers(writer, entity.Attributes, representation);
        var ctx = context.IsNull ? entity.Context : context;
        if (!ctx.IsNull)
        {
            writer.WritePropertyName("@context"u8);
            ctx.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes an entity object.</summary>
    /// <param name="output">Destination.</param>
    /// <param name="entity">The entity.</param>
    /// <param name="representation">Normalized, concise or simplified.</param>
    /// <param name="context">An <c>@context</c> to write, or JSON null.</param>
    public static void WriteEntity(IBufferWriter<byte> output, NgsiLdEntity entity, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default) =>
        JsonOutput.Write(output, (entity, representation, context), static (w, s) => WriteEntity(w, s.entity, s.representation, s.context));

    /// <summary>An entity object as UTF-8 JSON.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="representation">Normalized, concise or simplified.</param>
    /// <param name="context">An <c>@context</c> to write, or JSON null.</param>
    public static byte[] EntityToBytes(NgsiLdEntity entity, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default) =>
        JsonOutput.ToBytes((entity, representation, context), static (w, s) => WriteEntity(w, s.entity, s.representation, s.context));

    /// <summary>Writes a JSON array of entities: the body of a batch upsert/create/update.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="context">An <c>@context</c> written into every entity, or JSON null.</param>
    public static void WriteEntities(Utf8JsonWriter writer, IEnumerable<NgsiLdEntity> entities, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entities);
        writer.WriteStartArray();
        foreach (var e in entities)
        {
            WriteEntity(writer, e, representation, context);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes a JSON array of entities (batch upsert body).</summary>
    /// <param name="output">Destination.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="context">An <c>@context</c> written into every entity, or JSON null.</param>
    public static void WriteEntities(IBufferWriter<byte> output, IEnumerable<NgsiLdEntity> entities, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default) =>
        JsonOutput.Write(output, (entities, representation, context), static (w, s) => WriteEntities(w, s.entities, s.representation, s.context));

    /// <summary>A JSON array of entities (batch upsert body) as UTF-8 JSON.</summary>
    /// <param name="entities">The entities.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="context">An <c>@context</c> written into every entity, or JSON null.</param>
    public static byte[] EntitiesToBytes(IEnumerable<NgsiLdEntity> entities, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default) =>
        JsonOutput.ToBytes((entities, representation, context), static (w, s) => WriteEntities(w, s.entities, s.representation, s.context));

    /// <summary>Writes an object of attributes without id and type: the body of PATCH /entities/{id}/attrs.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="attributes">The attribute instances.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="context">An <c>@context</c> to write, or JSON null.</param>
    public static void WriteAttributes(Utf8JsonWriter writer, IEnumerable<NgsiLdAttribute> attributes, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(attributes);
        writer.WriteStartObject();
        WriteAttributeMembers(writer, attributes as IReadOnlyList<NgsiLdAttribute> ?? [.. attributes], representation);
        if (!context.IsNull)
        {
            writer.WritePropertyName("@context"u8);
            context.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes an object of attributes (PATCH body).</summary>
    /// <param name="output">Destination.</param>
    /// <param name="attributes">The attribute instances.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="context">An <c>@context</c> to write, or JSON null.</param>
    public static void WriteAttributes(IBufferWriter<byte> output, IEnumerable<NgsiLdAttribute> attributes, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default) =>
        JsonOutput.Write(output, (attributes, representation, context), static (w, s) => WriteAttributes(w, s.attributes, s.representation, s.context));

    /// <summary>An object of attributes (PATCH body) as UTF-8 JSON.</summary>
    /// <param name="attributes">The attribute instances.</param>
    /// <param name="representation">Normalized or concise.</param>
    /// <param name="context">An <c>@context</c> to write, or JSON null.</param>
    public static byte[] AttributesToBytes(IEnumerable<NgsiLdAttribute> attributes, NgsiLdRepresentation representation = NgsiLdRepresentation.Normalized, NgsiValue context = default) =>
        JsonOutput.ToBytes((attributes, representation, context), static (w, s) => WriteAttributes(w, s.attributes, s.representation, s.context));

    /// <summary>Writes a notification body as Orion-LD sends it.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="notification">The notification (its format picks the representation).</param>
    public static void WriteNotification(Utf8JsonWriter writer, NgsiLdNotification notification)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(notification);
        var representation = LdReader.ToRepresentation(notification.Format);
        writer.WriteStartObject();
        if (notification.Id is not null)
        {
            writer.WriteString("id"u8, notification.Id);
        }

        writer.WriteString("type"u8, "Notification");
        if (notification.SubscriptionId is not null)
        {
            writer.WriteString("subscriptionId"u8, notification.SubscriptionId);
        }

        if (notification.NotifiedAt is { } at)
        {
            writer.WriteString("notifiedAt"u8, NgsiDates.Format(at));
        }

        writer.WriteStartArray("data"u8);
        foreach (var e in notification.Entities)
        {
            WriteEntity(writer, e, representation);
        }

        writer.WriteEndArray();
        if (!notification.Context.IsNull && !notification.ContextFromLinkHeader)
        {
            writer.WritePropertyName("@context"u8);
            notification.Context.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>A notification body as UTF-8 JSON.</summary>
    /// <param name="notification">The notification.</param>
    public static byte[] NotificationToBytes(NgsiLdNotification notification) =>
        JsonOutput.ToBytes(notification, static (w, n) => WriteNotification(w, n));

    private static void WriteStrings(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        if (values.Count == 1)
        {
            writer.WriteString(name, values[0]);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteStringValue(v);
        }

        writer.WriteEndArray();
    }
}
