using System.Text.Json;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Registrations;

/// <summary>Renders a registration as Orion's GET answers it, and to and from the PostgreSQL store.</summary>
internal static class RegistrationWriter
{
    public static void Write(Utf8JsonWriter writer, Registration registration)
    {
        writer.WriteStartObject();
        writer.WriteString("id", registration.Id);
        if (registration.Description is { } description)
        {
            writer.WriteString("description", description);
        }

        writer.WriteStartObject("dataProvided");
        writer.WriteStartArray("entities");
        foreach (var entity in registration.Entities)
        {
            WriteSelector(writer, entity);
        }

        writer.WriteEndArray();
        if (registration.Attrs.Count > 0)
        {
            writer.WriteStartArray("attrs");
            foreach (var attr in registration.Attrs)
            {
                writer.WriteStringValue(attr);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("provider");
        writer.WriteStartObject("http");
        writer.WriteString("url", registration.Url);
        writer.WriteEndObject();
        writer.WriteString("supportedForwardingMode", registration.ForwardingMode);
        writer.WriteBoolean("legacyForwarding", registration.LegacyForwarding);
        writer.WriteEndObject();
        if (registration.Expires is { } expires)
        {
            writer.WriteString("expires", Dates.Format(expires));
        }

        writer.WriteString("status", registration.Status);
        writer.WriteEndObject();
    }

    /// <summary>One entity selector: <c>id</c> or <c>idPattern</c>, and <c>type</c> when it has one.</summary>
    public static void WriteSelector(Utf8JsonWriter writer, RegisteredEntity entity)
    {
        writer.WriteStartObject();
        if (entity.Id is { } id)
        {
            writer.WriteString("id", id);
        }
        else
        {
            writer.WriteString("idPattern", entity.IdPattern);
        }

        if (entity.Type is { } type)
        {
            writer.WriteString("type", type);
        }

        writer.WriteEndObject();
    }

    public static string ToStorage(Registration registration)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("servicePath", registration.ServicePath);
            writer.WritePropertyName("registration");
            Write(writer, registration);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Registration FromStorage(string json)
    {
        var doc = (JsonMap)JsonValues.Parse(System.Text.Encoding.UTF8.GetBytes(json))!;
        doc.TryGet("servicePath", out var servicePath);
        doc.TryGet("registration", out var body);
        var map = (JsonMap)body!;
        map.TryGet("id", out var id);
        return RegistrationParser.Parse(map, (string)id!, (string)servicePath!);
    }
}
