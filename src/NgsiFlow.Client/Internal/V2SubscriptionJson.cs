using System.Text.Json;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Internal;

/// <summary>Writes and reads NGSI-v2 subscriptions as Orion's API defines them.</summary>
internal static class V2SubscriptionJson
{
    private static readonly string[] Formats = ["normalized", "keyValues", "values", "simplifiedNormalized", "simplifiedKeyValues", "legacy"];
    private static readonly string[] Statuses = ["active", "inactive", "oneshot", "expired", "failed"];

    public static string FormatName(NgsiV2AttrsFormat format) => Formats[(int)format];

    /// <summary>The body of a POST (<paramref name="create"/>) or a PATCH; read-only members are never written.</summary>
    public static byte[] ToBytes(NgsiV2Subscription s, bool create)
    {
        Check(s, create);
        return JsonWrite.ToBytes(s, static (w, s) => Write(w, s));
    }

    /// <summary>
    /// The definition with the broker's defaults filled in and the lifecycle members (id, expires, status, counters)
    /// left out: equal for a definition and the broker's echo of it.
    /// </summary>
    public static string Canonical(NgsiV2Subscription s)
    {
        var condition = s.Subject?.Condition ?? new NgsiV2SubscriptionCondition();
        condition = condition with { Attrs = condition.Attrs ?? [], NotifyOnMetadataChange = condition.NotifyOnMetadataChange ?? true };
        var notification = s.Notification;
        if (notification is not null)
        {
            notification = new NgsiV2SubscriptionNotification
            {
                Http = notification.Http,
                HttpCustom = notification.HttpCustom,
                Mqtt = notification.Mqtt is { } m ? m with { Qos = m.Qos ?? 0, Retain = m.Retain ?? false, Passwd = m.User is null ? null : "*****" } : null,
                Attrs = notification.ExceptAttrs is { Count: > 0 } ? null : notification.Attrs ?? [],
                ExceptAttrs = notification.ExceptAttrs is { Count: > 0 } ? notification.ExceptAttrs : null,
                AttrsFormat = notification.AttrsFormat ?? NgsiV2AttrsFormat.Normalized,
                Metadata = notification.Metadata,
                OnlyChangedAttrs = notification.OnlyChangedAttrs ?? false,
                Covered = notification.Covered ?? false,
                MaxFailsLimit = notification.MaxFailsLimit is > 0 ? notification.MaxFailsLimit : null,
            };
        }

        var canonical = new NgsiV2Subscription
        {
            Description = s.Description,
            Subject = s.Subject is null ? null : s.Subject with { Condition = condition },
            Notification = notification,
            Throttling = s.Throttling is > 0 ? s.Throttling : null,
        };
        return System.Text.Encoding.UTF8.GetString(JsonWrite.ToBytes(canonical, static (w, c) => Write(w, c)));
    }

    private static void Check(NgsiV2Subscription s, bool create)
    {
        if (create && s.Subject is null)
        {
            throw new ArgumentException("NgsiV2Subscription.Subject is required to create a subscription.");
        }

        if (create && s.Notification is null)
        {
            throw new ArgumentException("NgsiV2Subscription.Notification is required to create a subscription.");
        }

        if (s.Subject is { } subject)
        {
            if (subject.Entities.Count == 0)
            {
                throw new ArgumentException("NgsiV2Subscription.Subject.Entities must hold at least one entity selector.");
            }

            for (var i = 0; i < subject.Entities.Count; i++)
            {
                subject.Entities[i].Check($"NgsiV2Subscription.Subject.Entities[{i}]");
            }
        }

        if (s.Notification is { } n)
        {
            if ((n.Http is null ? 0 : 1) + (n.HttpCustom is null ? 0 : 1) + (n.Mqtt is null ? 0 : 1) != 1)
            {
                throw new ArgumentException("NgsiV2Subscription.Notification needs exactly one of Http, HttpCustom and Mqtt.");
            }

            if (n.Attrs is { Count: > 0 } && n.ExceptAttrs is { Count: > 0 })
            {
                throw new ArgumentException("NgsiV2Subscription.Notification: give Attrs or ExceptAttrs, not both.");
            }

            var url = n.Http?.Url ?? n.HttpCustom?.Url ?? n.Mqtt!.Url;
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new ArgumentException("NgsiV2Subscription.Notification needs a URL.");
            }
        }

        if (s.Status is NgsiV2SubscriptionStatus.Expired or NgsiV2SubscriptionStatus.Failed)
        {
            throw new ArgumentException($"NgsiV2Subscription.Status {s.Status} is read-only; set Active, Inactive or Oneshot.");
        }

        if (s.Throttling is < 0)
        {
            throw new ArgumentException($"NgsiV2Subscription.Throttling must not be negative (was {s.Throttling}).");
        }
    }

    private static void Write(Utf8JsonWriter w, NgsiV2Subscription s)
    {
        w.WriteStartObject();
        JsonWrite.OptionalString(w, "description", s.Description);
        if (s.Subject is { } subject)
        {
            w.WriteStartObject("subject");
            w.WriteStartArray("entities");
            foreach (var e in subject.Entities)
            {
                WriteSelector(w, e);
            }

            w.WriteEndArray();
            if (subject.Condition is { } c)
            {
                w.WriteStartObject("condition");
                JsonWrite.Strings(w, "attrs", c.Attrs);
                if (c.Q is not null || c.Mq is not null || c.Georel is not null || c.Geometry is not null || c.Coords is not null)
                {
                    w.WriteStartObject("expression");
                    JsonWrite.OptionalString(w, "q", c.Q);
                    JsonWrite.OptionalString(w, "mq", c.Mq);
                    JsonWrite.OptionalString(w, "georel", c.Georel);
                    JsonWrite.OptionalString(w, "geometry", c.Geometry);
                    JsonWrite.OptionalString(w, "coords", c.Coords);
                    w.WriteEndObject();
                }

                JsonWrite.Strings(w, "alterationTypes", c.AlterationTypes);
                JsonWrite.OptionalBool(w, "notifyOnMetadataChange", c.NotifyOnMetadataChange);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        if (s.Notification is { } n)
        {
            w.WriteStartObject("notification");
            if (n.Http is { } http)
            {
                w.WriteStartObject("http");
                w.WriteString("url", http.Url);
                w.WriteEndObject();
            }
            else if (n.HttpCustom is { } custom)
            {
                w.WriteStartObject("httpCustom");
                w.WriteString("url", custom.Url);
                JsonWrite.Map(w, "headers", custom.Headers);
                JsonWrite.Map(w, "qs", custom.Qs);
                JsonWrite.OptionalString(w, "method", custom.Method);
                JsonWrite.OptionalString(w, "payload", custom.Payload);
                if (custom.Json is { } json)
                {
                    w.WritePropertyName("json");
                    json.WriteTo(w);
                }

                JsonWrite.OptionalNumber(w, "timeout", custom.Timeout);
                w.WriteEndObject();
            }
            else if (n.Mqtt is { } mqtt)
            {
                w.WriteStartObject("mqtt");
                w.WriteString("url", mqtt.Url);
                w.WriteString("topic", mqtt.Topic);
                JsonWrite.OptionalNumber(w, "qos", mqtt.Qos);
                JsonWrite.OptionalBool(w, "retain", mqtt.Retain);
                JsonWrite.OptionalString(w, "user", mqtt.User);
                JsonWrite.OptionalString(w, "passwd", mqtt.Passwd);
                w.WriteEndObject();
            }

            JsonWrite.Strings(w, "attrs", n.Attrs);
            JsonWrite.Strings(w, "exceptAttrs", n.ExceptAttrs);
            if (n.AttrsFormat is { } format)
            {
                w.WriteString("attrsFormat", FormatName(format));
            }

            JsonWrite.Strings(w, "metadata", n.Metadata);
            JsonWrite.OptionalBool(w, "onlyChangedAttrs", n.OnlyChangedAttrs);
            JsonWrite.OptionalBool(w, "covered", n.Covered);
            JsonWrite.OptionalNumber(w, "maxFailsLimit", n.MaxFailsLimit);
            w.WriteEndObject();
        }

        if (s.Expires is { } expires)
        {
            w.WriteString("expires", JsonWrite.Date(expires));
        }

        if (s.Status is { } status)
        {
            w.WriteString("status", Statuses[(int)status]);
        }

        JsonWrite.OptionalNumber(w, "throttling", s.Throttling);
        w.WriteEndObject();
    }

    internal static void WriteSelector(Utf8JsonWriter w, NgsiV2EntitySelector e)
    {
        w.WriteStartObject();
        JsonWrite.OptionalString(w, "id", e.Id);
        JsonWrite.OptionalString(w, "idPattern", e.IdPattern);
        JsonWrite.OptionalString(w, "type", e.Type);
        JsonWrite.OptionalString(w, "typePattern", e.TypePattern);
        w.WriteEndObject();
    }

    public static NgsiV2Subscription ParseOne(byte[] body)
    {
        using var doc = JsonRead.Parse(body, "a subscription object");
        return Read(doc.RootElement, "$");
    }

    public static List<NgsiV2Subscription> ParseList(byte[] body)
    {
        using var doc = JsonRead.Parse(body, "an array of subscriptions");
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new NgsiFormatException("$", "an array of subscriptions", doc.RootElement.ValueKind.ToString());
        }

        var list = new List<NgsiV2Subscription>();
        var i = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            list.Add(Read(item, $"$[{i++}]"));
        }

        return list;
    }

    private static NgsiV2Subscription Read(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new NgsiFormatException(path, "a subscription object", e.ValueKind.ToString());
        }

        return new NgsiV2Subscription
        {
            Id = JsonRead.String(e, "id", path),
            Description = JsonRead.String(e, "description", path),
            Subject = JsonRead.Object(e, "subject", path) is { } subject ? ReadSubject(subject, path + ".subject") : null,
            Notification = JsonRead.Object(e, "notification", path) is { } n ? ReadNotification(n, path + ".notification") : null,
            Expires = JsonRead.Date(e, "expires", path),
            Status = JsonRead.String(e, "status", path) is { } status ? ParseStatus(status, path + ".status") : null,
            Throttling = JsonRead.Number(e, "throttling", path),
        };
    }

    private static NgsiV2SubscriptionSubject ReadSubject(JsonElement subject, string path)
    {
        var entities = new List<NgsiV2EntitySelector>();
        if (subject.TryGetProperty("entities", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var p = $"{path}.entities[{i++}]";
                entities.Add(new NgsiV2EntitySelector
                {
                    Id = JsonRead.String(item, "id", p),
                    IdPattern = JsonRead.String(item, "idPattern", p),
                    Type = JsonRead.String(item, "type", p),
                    TypePattern = JsonRead.String(item, "typePattern", p),
                });
            }
        }

        NgsiV2SubscriptionCondition? condition = null;
        if (JsonRead.Object(subject, "condition", path) is { } c)
        {
            var cp = path + ".condition";
            var expression = JsonRead.Object(c, "expression", cp);
            var ep = cp + ".expression";
            condition = new NgsiV2SubscriptionCondition
            {
                Attrs = JsonRead.Strings(c, "attrs", cp),
                Q = expression is { } x ? JsonRead.String(x, "q", ep) : null,
                Mq = expression is { } x2 ? JsonRead.String(x2, "mq", ep) : null,
                Georel = expression is { } x3 ? JsonRead.String(x3, "georel", ep) : null,
                Geometry = expression is { } x4 ? JsonRead.String(x4, "geometry", ep) : null,
                Coords = expression is { } x5 ? JsonRead.String(x5, "coords", ep) : null,
                AlterationTypes = JsonRead.Strings(c, "alterationTypes", cp),
                NotifyOnMetadataChange = JsonRead.Bool(c, "notifyOnMetadataChange", cp),
            };
        }

        return new NgsiV2SubscriptionSubject { Entities = entities, Condition = condition };
    }

    private static NgsiV2SubscriptionNotification ReadNotification(JsonElement n, string path)
    {
        NgsiV2HttpNotification? http = null;
        NgsiV2HttpCustomNotification? custom = null;
        if (JsonRead.Object(n, "http", path) is { } h)
        {
            http = new NgsiV2HttpNotification(JsonRead.String(h, "url", path + ".http") ?? string.Empty);
        }

        if (JsonRead.Object(n, "httpCustom", path) is { } c)
        {
            var cp = path + ".httpCustom";
            custom = new NgsiV2HttpCustomNotification(JsonRead.String(c, "url", cp) ?? string.Empty)
            {
                Headers = JsonRead.StringMap(c, "headers", cp),
                Qs = JsonRead.StringMap(c, "qs", cp),
                Method = JsonRead.String(c, "method", cp),
                Payload = JsonRead.String(c, "payload", cp),
                Json = c.TryGetProperty("json", out var json) ? JsonRead.Value(json) : null,
                Timeout = JsonRead.Number(c, "timeout", cp) is { } t ? (int)t : null,
            };
        }

        NgsiV2MqttNotification? mqtt = null;
        if (JsonRead.Object(n, "mqtt", path) is { } q)
        {
            var qp = path + ".mqtt";
            mqtt = new NgsiV2MqttNotification(JsonRead.String(q, "url", qp) ?? string.Empty, JsonRead.String(q, "topic", qp) ?? string.Empty)
            {
                Qos = JsonRead.Number(q, "qos", qp) is { } qos ? (int)qos : null,
                Retain = JsonRead.Bool(q, "retain", qp),
                User = JsonRead.String(q, "user", qp),
                Passwd = JsonRead.String(q, "passwd", qp),
            };
        }

        return new NgsiV2SubscriptionNotification
        {
            Http = http,
            HttpCustom = custom,
            Mqtt = mqtt,
            Attrs = JsonRead.Strings(n, "attrs", path),
            ExceptAttrs = JsonRead.Strings(n, "exceptAttrs", path),
            AttrsFormat = JsonRead.String(n, "attrsFormat", path) is { } f ? ParseFormat(f, path + ".attrsFormat") : null,
            Metadata = JsonRead.Strings(n, "metadata", path),
            OnlyChangedAttrs = JsonRead.Bool(n, "onlyChangedAttrs", path),
            Covered = JsonRead.Bool(n, "covered", path),
            MaxFailsLimit = JsonRead.Number(n, "maxFailsLimit", path) is { } m ? (int)m : null,
            TimesSent = JsonRead.Number(n, "timesSent", path) is { } ts ? (long)ts : null,
            LastNotification = JsonRead.Date(n, "lastNotification", path),
            LastSuccess = JsonRead.Date(n, "lastSuccess", path),
            LastSuccessCode = JsonRead.Number(n, "lastSuccessCode", path) is { } code ? (int)code : null,
            LastFailure = JsonRead.Date(n, "lastFailure", path),
            LastFailureReason = JsonRead.String(n, "lastFailureReason", path),
            FailsCounter = JsonRead.Number(n, "failsCounter", path) is { } fc ? (long)fc : null,
        };
    }

    private static NgsiV2SubscriptionStatus ParseStatus(string text, string path)
    {
        var index = Array.IndexOf(Statuses, text);
        return index >= 0 ? (NgsiV2SubscriptionStatus)index : throw new NgsiFormatException(path, "active, inactive, oneshot, expired or failed", "\"" + text + "\"");
    }

    private static NgsiV2AttrsFormat ParseFormat(string text, string path)
    {
        var index = Array.IndexOf(Formats, text);
        return index >= 0 ? (NgsiV2AttrsFormat)index : throw new NgsiFormatException(path, string.Join(", ", Formats), "\"" + text + "\"");
    }
}
