using System.Text.Json;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;

namespace NgsiFlow.Broker.Internal.Subscriptions;

/// <summary>Renders subscriptions as Orion's GET answers do, and to and from the storage document.</summary>
internal static class SubscriptionWriter
{
    public static void Write(Utf8JsonWriter writer, Subscription s, DateTime now)
    {
        writer.WriteStartObject();
        writer.WriteString("id", s.Id);
        if (s.Description is not null)
        {
            writer.WriteString("description", s.Description);
        }

        writer.WriteStartObject("subject");
        writer.WritePropertyName("entities");
        JsonValues.Write(writer, s.SubjectEntities.Cast<object?>().ToList());
        writer.WriteStartObject("condition");
        writer.WriteStartArray("attrs");
        foreach (var attr in s.ConditionAttrs)
        {
            writer.WriteStringValue(attr);
        }

        writer.WriteEndArray();
        if (s.Expression is not null)
        {
            writer.WritePropertyName("expression");
            JsonValues.Write(writer, s.Expression);
        }

        if (s.AlterationTypes is not null)
        {
            writer.WriteStartArray("alterationTypes");
            foreach (var type in s.AlterationTypes)
            {
                writer.WriteStringValue(type);
            }

            writer.WriteEndArray();
        }

        writer.WriteBoolean("notifyOnMetadataChange", s.NotifyOnMetadataChange);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartObject("notification");
        if (s.ExceptAttrs is not null)
        {
            WriteList(writer, "exceptAttrs", s.ExceptAttrs);
        }
        else
        {
            WriteList(writer, "attrs", s.Attrs ?? []);
        }

        writer.WriteBoolean("onlyChangedAttrs", s.OnlyChangedAttrs);
        writer.WriteString("attrsFormat", s.AttrsFormat);
        if (s.Mqtt is { } mqtt)
        {
            WriteMqtt(writer, mqtt);
        }
        else if (s.Definition.TryGet("notification", out var n) && n is JsonMap notification)
        {
            if (notification.TryGet("http", out var http))
            {
                writer.WritePropertyName("http");
                JsonValues.Write(writer, http);
            }
            else if (notification.TryGet("httpCustom", out var custom))
            {
                writer.WritePropertyName("httpCustom");
                JsonValues.Write(writer, custom);
            }
        }

        if (s.Metadata is not null)
        {
            WriteList(writer, "metadata", s.Metadata);
        }

        if (s.MaxFailsLimit > 0)
        {
            writer.WriteNumber("maxFailsLimit", s.MaxFailsLimit);
        }

        writer.WriteBoolean("covered", s.Covered);
        lock (s.Gate)
        {
            if (s.TimesSent > 0)
            {
                writer.WriteNumber("timesSent", s.TimesSent);
            }

            WriteDate(writer, "lastNotification", s.LastNotification);
            WriteDate(writer, "lastFailure", s.LastFailure);
            if (s.LastFailureReason is not null)
            {
                writer.WriteString("lastFailureReason", s.LastFailureReason);
            }

            WriteDate(writer, "lastSuccess", s.LastSuccess);
            if (s.LastSuccessCode is { } code)
            {
                writer.WriteNumber("lastSuccessCode", code);
            }

            if (s.FailsCounter > 0)
            {
                writer.WriteNumber("failsCounter", s.FailsCounter);
            }

            if (s.Dropped > 0)
            {
                writer.WriteNumber("dropped", s.Dropped);
            }
        }

        writer.WriteEndObject();
        if (s.Expires is { } expires)
        {
            writer.WriteString("expires", Dates.Format(expires));
        }

        writer.WriteString("status", StatusOf(s, now));
        if (s.Throttling > 0)
        {
            writer.WritePropertyName("throttling");
            JsonValues.WriteNumber(writer, s.Throttling);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// The status Orion shows: expired beats the client's status; a oneshot that notified, or one disabled by
    /// maxFailsLimit, is inactive. A failing receiver no longer shows as "failed" (dropped in Orion 3.4: the counters
    /// say it).
    /// </summary>
    public static string StatusOf(Subscription s, DateTime now)
    {
        if (s.Expires is { } expires && expires <= now)
        {
            return "expired";
        }

        if (s.Status == "inactive" || s.DisabledByFailures || (s.Status == "oneshot" && s.OneshotFired))
        {
            return "inactive";
        }

        return s.Status;
    }

    /// <summary>The storage document: definition plus scope and counters.</summary>
    public static string ToStorage(Subscription s)
    {
        var doc = new JsonMap
        {
            new("id", s.Id),
            new("servicePath", s.ServicePath),
            new("created", Dates.Format(s.Created)),
            new("revision", (double)s.Revision),
            new("definition", s.Definition),
            new("oneshotFired", s.OneshotFired),
            new("disabledByFailures", s.DisabledByFailures),
        };
        lock (s.Gate)
        {
            doc.Add(new("timesSent", (double)s.TimesSent));
            doc.Add(new("failsCounter", (double)s.FailsCounter));
            doc.Add(new("dropped", (double)s.Dropped));
            doc.Add(new("lastNotification", s.LastNotification is { } a ? Dates.Format(a) : null));
            doc.Add(new("lastSuccess", s.LastSuccess is { } b ? Dates.Format(b) : null));
            doc.Add(new("lastSuccessCode", s.LastSuccessCode is { } c ? (double)c : null));
            doc.Add(new("lastFailure", s.LastFailure is { } f ? Dates.Format(f) : null));
            doc.Add(new("lastFailureReason", s.LastFailureReason));
        }

        return JsonValues.ToJson(doc);
    }

    public static Subscription FromStorage(string tenant, string json)
    {
        var doc = (JsonMap)JsonValues.Parse(System.Text.Encoding.UTF8.GetBytes(json))!;
        doc.TryGet("id", out var id);
        doc.TryGet("servicePath", out var sp);
        doc.TryGet("created", out var created);
        doc.TryGet("definition", out var definition);
        var servicePath = (string)sp!;
        Dates.TryParse(created as string, out var createdAt);
        var s = SubscriptionParser.Parse((JsonMap)definition!, (string)id!, tenant, servicePath, ServicePathScope.Parse(servicePath, forUpdate: false, "/#"), createdAt);
        s.Revision = doc.TryGet("revision", out var revision) && revision is double rd ? (long)rd : 0;
        s.OneshotFired = doc.TryGet("oneshotFired", out var fired) && fired is true;
        s.DisabledByFailures = doc.TryGet("disabledByFailures", out var disabled) && disabled is true;
        s.TimesSent = doc.TryGet("timesSent", out var t) && t is double td ? (long)td : 0;
        s.FailsCounter = doc.TryGet("failsCounter", out var fc) && fc is double fcd ? (long)fcd : 0;
        s.Dropped = doc.TryGet("dropped", out var dr) && dr is double drd ? (long)drd : 0;
        s.LastNotification = DateOrNull(doc, "lastNotification");
        s.LastSuccess = DateOrNull(doc, "lastSuccess");
        s.LastFailure = DateOrNull(doc, "lastFailure");
        s.LastSuccessCode = doc.TryGet("lastSuccessCode", out var code) && code is double cd ? (int)cd : null;
        s.LastFailureReason = doc.TryGet("lastFailureReason", out var reason) ? reason as string : null;
        return s;
    }

    /// <summary>The mqtt object as Orion renders it: its fields in its order, defaults filled in, the password masked.</summary>
    private static void WriteMqtt(Utf8JsonWriter writer, MqttEndpoint mqtt)
    {
        writer.WriteStartObject(mqtt.IsCustom ? "mqttCustom" : "mqtt");
        writer.WriteString("url", mqtt.Url);
        writer.WriteString("topic", mqtt.Topic);
        writer.WriteNumber("qos", mqtt.Qos);
        writer.WriteBoolean("retain", mqtt.Retain);
        if (mqtt.User is not null)
        {
            writer.WriteString("user", mqtt.User);
            writer.WriteString("passwd", "*****");
        }

        if (mqtt.Custom is { } custom)
        {
            if (custom.PayloadNull)
            {
                writer.WriteNull("payload");
            }
            else if (!string.IsNullOrEmpty(custom.Payload))
            {
                writer.WriteString("payload", custom.Payload);
            }
            else if (custom.HasJson)
            {
                writer.WritePropertyName("json");
                JsonValues.Write(writer, custom.Json);
            }
            else if (custom.Ngsi is { } ngsi)
            {
                writer.WritePropertyName("ngsi");
                JsonValues.Write(writer, ngsi.Source);
            }
        }

        writer.WriteEndObject();
    }

    private static DateTime? DateOrNull(JsonMap doc, string name) =>
        doc.TryGet(name, out var value) && Dates.TryParse(value as string, out var date) ? date : null;

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<string> items)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    private static void WriteDate(Utf8JsonWriter writer, string name, DateTime? date)
    {
        if (date is { } value)
        {
            writer.WriteString(name, Dates.Format(value));
        }
    }
}
