using System.Text.Json;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Internal;

/// <summary>Writes and reads NGSI-LD subscriptions (ETSI GS CIM 009, clause 5.2.12).</summary>
internal static class LdSubscriptionJson
{
    public static byte[] ToBytes(NgsiLdSubscription s, bool create)
    {
        Check(s, create);
        return JsonWrite.ToBytes(s, static (w, s) => Write(w, s));
    }

    public static string FormatName(NgsiLdRepresentation format) => format switch
    {
        NgsiLdRepresentation.Concise => "concise",
        NgsiLdRepresentation.Simplified => "keyValues",
        _ => "normalized",
    };

    /// <summary>The definition with defaults filled in and lifecycle members (id, expiry, activity, status, counters) left out.</summary>
    public static string Canonical(NgsiLdSubscription s)
    {
        var notification = s.Notification is null ? null : new NgsiLdSubscriptionNotification(s.Notification.Endpoint with
        {
            Accept = s.Notification.Endpoint.Accept ?? "application/json",
        })
        {
            Attributes = s.Notification.Attributes,
            Format = s.Notification.Format ?? NgsiLdRepresentation.Normalized,
        };
        var canonical = new NgsiLdSubscription
        {
            SubscriptionName = s.SubscriptionName,
            Description = s.Description,
            Entities = s.Entities,
            WatchedAttributes = s.WatchedAttributes,
            Q = s.Q,
            Notification = notification,
            Throttling = s.Throttling is > 0 ? s.Throttling : null,
            TimeInterval = s.TimeInterval is > 0 ? s.TimeInterval : null,
        };
        return System.Text.Encoding.UTF8.GetString(JsonWrite.ToBytes(canonical, static (w, c) => Write(w, c)));
    }

    private static void Check(NgsiLdSubscription s, bool create)
    {
        if (create && s.Entities is not { Count: > 0 } && s.WatchedAttributes is not { Count: > 0 })
        {
            throw new ArgumentException("NgsiLdSubscription needs Entities or WatchedAttributes.");
        }

        if (create && s.Notification is null)
        {
            throw new ArgumentException("NgsiLdSubscription.Notification is required to create a subscription.");
        }

        if (s.Entities is { } entities)
        {
            for (var i = 0; i < entities.Count; i++)
            {
                if (string.IsNullOrEmpty(entities[i].Type))
                {
                    throw new ArgumentException($"NgsiLdSubscription.Entities[{i}].Type is required.");
                }

                if (entities[i].Id is not null && entities[i].IdPattern is not null)
                {
                    throw new ArgumentException($"NgsiLdSubscription.Entities[{i}]: give Id or IdPattern, not both.");
                }
            }
        }

        if (s.Notification is { } n && !n.Endpoint.Uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"NgsiLdSubscription.Notification.Endpoint.Uri must be absolute (was '{n.Endpoint.Uri}').");
        }

        if (s.Throttling is < 0 || s.TimeInterval is < 0)
        {
            throw new ArgumentException("NgsiLdSubscription.Throttling and TimeInterval must not be negative.");
        }
    }

    private static void Write(Utf8JsonWriter w, NgsiLdSubscription s)
    {
        w.WriteStartObject();
        JsonWrite.OptionalString(w, "id", s.Id);
        w.WriteString("type", "Subscription");
        JsonWrite.OptionalString(w, "subscriptionName", s.SubscriptionName);
        JsonWrite.OptionalString(w, "description", s.Description);
        if (s.Entities is { } entities)
        {
            w.WriteStartArray("entities");
            foreach (var e in entities)
            {
                w.WriteStartObject();
                JsonWrite.OptionalString(w, "id", e.Id);
                JsonWrite.OptionalString(w, "idPattern", e.IdPattern);
                w.WriteString("type", e.Type);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        JsonWrite.Strings(w, "watchedAttributes", s.WatchedAttributes);
        JsonWrite.OptionalString(w, "q", s.Q);
        if (s.Notification is { } n)
        {
            w.WriteStartObject("notification");
            JsonWrite.Strings(w, "attributes", n.Attributes);
            if (n.Format is { } format)
            {
                w.WriteString("format", FormatName(format));
            }

            w.WriteStartObject("endpoint");
            w.WriteString("uri", n.Endpoint.Uri.OriginalString);
            JsonWrite.OptionalString(w, "accept", n.Endpoint.Accept);
            if (n.Endpoint.ReceiverInfo is { } info)
            {
                w.WriteStartArray("receiverInfo");
                foreach (var pair in info)
                {
                    w.WriteStartObject();
                    w.WriteString("key", pair.Key);
                    w.WriteString("value", pair.Value);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        if (s.ExpiresAt is { } expires)
        {
            w.WriteString("expiresAt", JsonWrite.Date(expires));
        }

        JsonWrite.OptionalNumber(w, "throttling", s.Throttling);
        JsonWrite.OptionalNumber(w, "timeInterval", s.TimeInterval);
        JsonWrite.OptionalBool(w, "isActive", s.IsActive);
        if (s.Context is { } context)
        {
            w.WritePropertyName("@context");
            context.WriteTo(w);
        }

        w.WriteEndObject();
    }

    public static NgsiLdSubscription ParseOne(byte[] body)
    {
        using var doc = JsonRead.Parse(body, "a subscription object");
        return Read(doc.RootElement, "$");
    }

    public static List<NgsiLdSubscription> ParseList(byte[] body)
    {
        using var doc = JsonRead.Parse(body, "an array of subscriptions");
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new NgsiFormatException("$", "an array of subscriptions", doc.RootElement.ValueKind.ToString());
        }

        var list = new List<NgsiLdSubscription>();
        var i = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            list.Add(Read(item, $"$[{i++}]"));
        }

        return list;
    }

    private static NgsiLdSubscription Read(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new NgsiFormatException(path, "a subscription object", e.ValueKind.ToString());
        }

        List<NgsiLdEntitySelector>? entities = null;
        if (e.TryGetProperty("entities", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            entities = [];
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var p = $"{path}.entities[{i++}]";
                entities.Add(new NgsiLdEntitySelector(JsonRead.String(item, "type", p) ?? string.Empty)
                {
                    Id = JsonRead.String(item, "id", p),
                    IdPattern = JsonRead.String(item, "idPattern", p),
                });
            }
        }

        return new NgsiLdSubscription
        {
            Id = JsonRead.String(e, "id", path),
            SubscriptionName = JsonRead.String(e, "subscriptionName", path) ?? JsonRead.String(e, "name", path),
            Description = JsonRead.String(e, "description", path),
            Entities = entities,
            WatchedAttributes = JsonRead.Strings(e, "watchedAttributes", path),
            Q = JsonRead.String(e, "q", path),
            Notification = JsonRead.Object(e, "notification", path) is { } n ? ReadNotification(n, path + ".notification") : null,
            ExpiresAt = JsonRead.Date(e, "expiresAt", path),
            Throttling = JsonRead.Number(e, "throttling", path),
            TimeInterval = JsonRead.Number(e, "timeInterval", path),
            IsActive = JsonRead.Bool(e, "isActive", path),
            Status = JsonRead.String(e, "status", path),
            Context = e.TryGetProperty("@context", out var context) ? JsonRead.Value(context) : null,
        };
    }

    private static NgsiLdSubscriptionNotification ReadNotification(JsonElement n, string path)
    {
        var endpointElement = JsonRead.Object(n, "endpoint", path) ?? throw new NgsiFormatException(path, "a notification with an \"endpoint\" object", "no \"endpoint\"");
        var ep = path + ".endpoint";
        var uriText = JsonRead.String(endpointElement, "uri", ep) ?? throw new NgsiFormatException(ep, "an endpoint with a \"uri\"", "no \"uri\"");
        if (!Uri.TryCreate(uriText, UriKind.Absolute, out var uri))
        {
            throw new NgsiFormatException(ep + ".uri", "an absolute URI", uriText);
        }

        Dictionary<string, string>? receiverInfo = null;
        if (endpointElement.TryGetProperty("receiverInfo", out var info) && info.ValueKind == JsonValueKind.Array)
        {
            receiverInfo = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in info.EnumerateArray())
            {
                if (JsonRead.String(pair, "key", ep + ".receiverInfo") is { } key)
                {
                    receiverInfo[key] = JsonRead.String(pair, "value", ep + ".receiverInfo") ?? string.Empty;
                }
            }
        }

        var endpoint = new NgsiLdEndpoint(uri) { Accept = JsonRead.String(endpointElement, "accept", ep), ReceiverInfo = receiverInfo };
        return new NgsiLdSubscriptionNotification(endpoint)
        {
            Attributes = JsonRead.Strings(n, "attributes", path),
            Format = JsonRead.String(n, "format", path) is { } f ? ParseFormat(f, path + ".format") : null,
            Status = JsonRead.String(n, "status", path),
            TimesSent = JsonRead.Number(n, "timesSent", path) is { } t ? (long)t : null,
            LastNotification = JsonRead.Date(n, "lastNotification", path),
            LastSuccess = JsonRead.Date(n, "lastSuccess", path),
            LastFailure = JsonRead.Date(n, "lastFailure", path),
        };
    }

    private static NgsiLdRepresentation ParseFormat(string text, string path) => text switch
    {
        "normalized" => NgsiLdRepresentation.Normalized,
        "concise" => NgsiLdRepresentation.Concise,
        "keyValues" or "simplified" => NgsiLdRepresentation.Simplified,
        _ => throw new NgsiFormatException(path, "normalized, concise, keyValues or simplified", "\"" + text + "\""),
    };
}
