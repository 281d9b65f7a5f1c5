using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Internal;

/// <summary>Turns a <see cref="SubscriptionRequest"/> into the broker's subscription document, and fingerprints it.</summary>
internal static class SubscriptionBuilder
{
    public static string Describe(string job, SubscriptionRequest request, NgsiApi api, Uri url, IReadOnlyDictionary<string, string> headers)
    {
        // Everything that changes what the broker would send goes into the fingerprint, except the expiry, which
        // renewal moves: equal fingerprints mean an identical subscription that can be reused.
        var canonical = new StringBuilder();
        canonical.Append(api).Append('|').Append(job).Append('|').Append(request.Name).Append('|').Append(url.AbsoluteUri).Append('|');
        foreach (var e in request.Entities)
        {
            canonical.Append(e.Id).Append(',').Append(e.IdPattern).Append(',').Append(e.Type).Append(',').Append(e.TypePattern).Append(';');
        }

        canonical.Append('|').AppendJoin(',', request.ConditionAttributes).Append('|').Append(request.Expression)
            .Append('|').AppendJoin(',', request.Attributes).Append('|').AppendJoin(',', request.ExceptAttributes)
            .Append('|').Append(request.EffectiveFormat(api))
            .Append('|').Append(request.Throttling?.TotalSeconds.ToString(CultureInfo.InvariantCulture))
            .Append('|').Append(request.Lifetime.HasValue);
        foreach (var (name, value) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            canonical.Append('|').Append(name).Append('=').Append(value);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))[..16];
        return $"NgsiFlow {job}/{request.Name} [{hash}]";
    }

    public static NgsiV2Subscription V2(SubscriptionRequest request, string description, Uri url, IReadOnlyDictionary<string, string> headers, DateTimeOffset? expires, NgsiV2MqttNotification? mqtt = null)
    {
        var condition = request.ConditionAttributes.Count > 0 || request.Expression is not null
            ? new NgsiV2SubscriptionCondition { Attrs = request.ConditionAttributes.Count > 0 ? request.ConditionAttributes : null, Q = request.Expression }
            : null;
        return new NgsiV2Subscription
        {
            Description = description,
            Subject = new NgsiV2SubscriptionSubject
            {
                Entities = [.. request.Entities.Select(e => new NgsiV2EntitySelector
                {
                    Id = e.Id,
                    IdPattern = e.Id is null ? e.IdPattern ?? ".*" : null,
                    Type = e.Type,
                    TypePattern = e.TypePattern,
                })],
                Condition = condition,
            },
            Notification = new NgsiV2SubscriptionNotification
            {
                // httpCustom only to carry the receiver's credentials; without payload/json/ngsi the broker still
                // sends the standard notification in attrsFormat.
                Http = mqtt is null && headers.Count == 0 ? new NgsiV2HttpNotification(url.AbsoluteUri) : null,
                HttpCustom = mqtt is null && headers.Count > 0 ? new NgsiV2HttpCustomNotification(url.AbsoluteUri) { Headers = headers } : null,
                Mqtt = mqtt,
                Attrs = request.Attributes.Count > 0 ? request.Attributes : null,
                ExceptAttrs = request.ExceptAttributes.Count > 0 ? request.ExceptAttributes : null,
                AttrsFormat = request.EffectiveFormat(NgsiApi.V2) switch
                {
                    NotificationFormat.V2KeyValues => NgsiV2AttrsFormat.KeyValues,
                    NotificationFormat.V2Values => NgsiV2AttrsFormat.Values,
                    NotificationFormat.V2SimplifiedNormalized => NgsiV2AttrsFormat.SimplifiedNormalized,
                    NotificationFormat.V2SimplifiedKeyValues => NgsiV2AttrsFormat.SimplifiedKeyValues,
                    _ => NgsiV2AttrsFormat.Normalized,
                },
            },
            Expires = expires,
            Throttling = request.Throttling?.TotalSeconds,
        };
    }

    public static NgsiLdSubscription Ld(SubscriptionRequest request, string description, Uri url, IReadOnlyDictionary<string, string> headers, DateTimeOffset? expires) => new()
    {
        Description = description,
        Entities = [.. request.Entities.Select(e => new NgsiLdEntitySelector(e.Type!) { Id = e.Id, IdPattern = e.Id is null ? e.IdPattern : null })],
        WatchedAttributes = request.ConditionAttributes.Count > 0 ? request.ConditionAttributes : null,
        Q = request.Expression,
        Notification = new NgsiLdSubscriptionNotification(new NgsiLdEndpoint(url)
        {
            Accept = "application/json",
            ReceiverInfo = headers.Count > 0 ? headers : null,
        })
        {
            Attributes = request.Attributes.Count > 0 ? request.Attributes : null,
            Format = request.EffectiveFormat(NgsiApi.Ld) switch
            {
                NotificationFormat.LdConcise => NgsiLdRepresentation.Concise,
                NotificationFormat.LdSimplified => NgsiLdRepresentation.Simplified,
                _ => NgsiLdRepresentation.Normalized,
            },
        },
        ExpiresAt = expires,
        Throttling = request.Throttling?.TotalSeconds,
    };

    /// <summary>notification.mqtt for a subscription notified over MQTT (QoS 1, so the MQTT broker keeps what the receiver has not acknowledged).</summary>
    public static NgsiV2MqttNotification Mqtt(MqttReceiverOptions options, string topic) => new(options.SubscriptionUrl, topic)
    {
        Qos = 1,
        User = options.User,
        Passwd = options.Password,
    };

    /// <summary>The url that identifies an MQTT subscription's destination in its fingerprint and in logs.</summary>
    public static Uri MqttUrl(NgsiV2MqttNotification mqtt) => new(mqtt.Url + "/" + mqtt.Topic);

    public static NotificationParseOptions ParseOptions(SubscriptionRequest request, NgsiApi api)
    {
        var format = request.EffectiveFormat(api);
        return new NotificationParseOptions
        {
            Format = format,
            ValuesAttributeNames = format == NotificationFormat.V2Values ? request.Attributes : null,
        };
    }
}
