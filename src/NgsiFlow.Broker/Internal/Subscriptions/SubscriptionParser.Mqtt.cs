using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Subscriptions;

/// <summary>The notification kinds (http, httpCustom, mqtt, mqttCustom) and the custom payload fields they share.</summary>
internal static partial class SubscriptionParser
{
    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create("<>\"'=;()");

    /// <summary>Exactly one of Orion's notification kinds; kafka is recognised but not implemented here.</summary>
    private static void CheckOneKind(JsonMap notification)
    {
        var count = 0;
        var kafka = false;
        foreach (var pair in notification)
        {
            if (pair.Key is "http" or "httpCustom" or "mqtt" or "mqttCustom")
            {
                count++;
            }
            else if (pair.Key is "kafka" or "kafkaCustom")
            {
                count++;
                kafka = true;
            }
        }

        if (count > 1)
        {
            throw OrionException.BadRequest("only one of http, httpCustom, mqtt, mqttCustom, kafka or kafkaCustom is allowed");
        }

        if (count == 0)
        {
            throw OrionException.BadRequest("http, httpCustom, mqtt, mqttCustom, kafka or kafkaCustom is missing");
        }

        if (kafka)
        {
            throw new OrionException(501, "NotImplemented", "kafka notifications are not supported by this broker");
        }
    }

    /// <summary>Orion's checks, in its order: url, user/passwd, qos, retain, topic; then the custom payload.</summary>
    private static MqttEndpoint ParseMqtt(JsonMap mqtt, bool custom)
    {
        var url = MqttString(mqtt, "url", required: true)!;
        if (url.AsSpan().ContainsAny(Forbidden))
        {
            throw OrionException.BadRequest("forbidden characters in mqtt field /url/");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw OrionException.BadRequest("invalid mqtt /url/");
        }

        if (!string.Equals(uri.Scheme, "mqtt", StringComparison.OrdinalIgnoreCase))
        {
            throw OrionException.BadRequest("http or https URL cannot be used in mqtt notifications");
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            throw OrionException.BadRequest("path cannot be used in mqtt url, use topic instead");
        }

        var user = MqttString(mqtt, "user", required: false);
        if (user is not null && user.AsSpan().ContainsAny(Forbidden))
        {
            throw OrionException.BadRequest("forbidden characters in mqtt /user/");
        }

        var passwd = MqttString(mqtt, "passwd", required: false);
        if ((user is null) != (passwd is null))
        {
            throw OrionException.BadRequest("you must use user and passwd fields simultaneously");
        }

        var qos = 0;
        if (mqtt.TryGet("qos", out var qosValue))
        {
            if (qosValue is not double q || q != Math.Floor(q) || Math.Abs(q) > long.MaxValue)
            {
                throw OrionException.BadRequest("qos is not an int");
            }

            qos = q is >= 0 and <= 2 ? (int)q : throw OrionException.BadRequest("mqtt qos field must be an integer in the 0 to 2 range");
        }

        var retain = false;
        if (mqtt.TryGet("retain", out var retainValue))
        {
            retain = retainValue as bool? ?? throw OrionException.BadRequest("retain is not a bool");
        }

        var topic = MqttString(mqtt, "topic", required: true)!;
        if (topic.Length == 0)
        {
            throw OrionException.BadRequest("empty mqtt field /topic/");
        }

        if (topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal))
        {
            throw OrionException.BadRequest("+ and # are not allowed in mqtt field /topic/");
        }

        if (topic.AsSpan().ContainsAny(Forbidden))
        {
            throw OrionException.BadRequest("forbidden characters in mqtt field /topic/");
        }

        return new MqttEndpoint
        {
            Url = url,
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 1883 : uri.Port,
            Topic = topic,
            Qos = qos,
            Retain = retain,
            User = user,
            Passwd = passwd,

            // headers, qs and method have no MQTT counterpart; Orion ignores them in mqttCustom.
            Custom = custom ? ParseCustomPayload(mqtt, [], [], "POST") : null,
        };
    }

    private static string? MqttString(JsonMap mqtt, string field, bool required)
    {
        if (!mqtt.TryGet(field, out var value))
        {
            return required ? throw OrionException.BadRequest($"{field} mqtt notification is missing") : null;
        }

        return value as string ?? throw OrionException.BadRequest($"{field} mqtt notification is not a string");
    }

    /// <summary>payload (text, or null for no body), json or ngsi: at most one, in httpCustom and mqttCustom alike.</summary>
    private static HttpCustom ParseCustomPayload(JsonMap map, List<KeyValuePair<string, string>> headers, List<KeyValuePair<string, string>> qs, string method)
    {
        var given = (map.TryGet("payload", out var payloadValue) ? 1 : 0) + (map.TryGet("json", out var json) ? 1 : 0) + (map.TryGet("ngsi", out var ngsiValue) ? 1 : 0);
        if (given > 1)
        {
            throw OrionException.BadRequest("only one of payload, json or ngsi fields accepted at the same time in httpCustom, mqttCustom or kafkaCustom");
        }

        string? payload = null;
        var payloadNull = false;
        if (map.TryGet("payload", out _))
        {
            if (payloadValue is null)
            {
                payloadNull = true;
            }
            else
            {
                payload = payloadValue as string ?? throw OrionException.BadRequest("payload custom notification is not a string");
                if (payload.AsSpan().ContainsAny(Forbidden))
                {
                    throw OrionException.BadRequest("forbidden characters in custom /payload/");
                }
            }
        }

        if (map.TryGet("json", out _) && json is not (JsonMap or List<object?>))
        {
            throw OrionException.BadRequest("json fields in httpCustom, mqttCustom or kafkaCustom must be object or array");
        }

        NgsiTemplate? ngsi = null;
        if (map.TryGet("ngsi", out _))
        {
            ngsi = NgsiTemplate.Parse(ngsiValue);
        }

        return new HttpCustom
        {
            Headers = headers,
            Qs = qs,
            Method = method,
            Payload = payload,
            PayloadNull = payloadNull,
            Json = json,
            HasJson = map.TryGet("json", out _),
            Ngsi = ngsi,
        };
    }
}
