using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// What a job wants from a broker. NgsiFlow turns it into an NGSI-v2 or NGSI-LD subscription pointing at the
/// receiver, reuses an identical one already on the broker, renews it before it expires and deletes it at a
/// graceful stop.
/// </summary>
public sealed class SubscriptionRequest
{
    /// <summary>A local name, unique within the job and URL-safe; it becomes part of the notification URL. Default "main".</summary>
    public string Name { get; init; } = "main";

    /// <summary>The watched entities; at least one.</summary>
    public IReadOnlyList<EntityFilter> Entities { get; init; } = [];

    /// <summary>Attributes whose change triggers a notification (v2 <c>condition.attrs</c>, LD <c>watchedAttributes</c>);
    /// empty means any attribute.</summary>
    public IReadOnlyList<string> ConditionAttributes { get; init; } = [];

    /// <summary>A filter expression (v2 <c>condition.expression.q</c>, LD <c>q</c>), for example <c>temperature&gt;40</c>.</summary>
    public string? Expression { get; init; }

    /// <summary>Attributes to include in notifications; empty means all.</summary>
    public IReadOnlyList<string> Attributes { get; init; } = [];

    /// <summary>Attributes to leave out (NGSI-v2 only; exclusive with <see cref="Attributes"/>).</summary>
    public IReadOnlyList<string> ExceptAttributes { get; init; } = [];

    /// <summary>The notification format: <see cref="NotificationFormat.V2Normalized"/> (default for v2),
    /// <c>V2KeyValues</c>, <c>V2Values</c>, <c>V2SimplifiedNormalized</c>, <c>V2SimplifiedKeyValues</c>, or
    /// <c>LdNormalized</c> (default for LD), <c>LdConcise</c>, <c>LdSimplified</c>. <c>Auto</c> picks the default.</summary>
    public NotificationFormat Format { get; init; } = NotificationFormat.Auto;

    /// <summary>Minimum time between two notifications (the broker's <c>throttling</c>), none by default.</summary>
    public TimeSpan? Throttling { get; init; }

    /// <summary>How long the subscription lives; NgsiFlow renews it before it expires. None (permanent) by default.</summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>How the broker delivers the notifications: HTTP to the receiver (default) or MQTT through
    /// <see cref="ConnectorOptions.Mqtt"/>'s broker (NGSI-v2 brokers: Orion and the embedded one).</summary>
    public NotificationTransport Transport { get; init; } = NotificationTransport.Http;

    /// <summary>Tenant and service path to subscribe in (<c>Fiware-Service</c>/<c>Fiware-ServicePath</c> or
    /// <c>NGSILD-Tenant</c>); the broker connection's default when null.</summary>
    public FiwareContext? Fiware { get; init; }

    /// <summary>Checks the request for <paramref name="api"/>; throws one <see cref="ArgumentException"/> listing each problem.</summary>
    /// <param name="api">The broker's API.</param>
    /// <exception cref="ArgumentException">The request cannot become a subscription.</exception>
    public void Validate(NgsiApi api)
    {
        var errors = new List<string>();
        try
        {
            NgsiReceiver.CheckName(Name, nameof(Name));
        }
        catch (ArgumentException e)
        {
            errors.Add($"SubscriptionRequest.Name: {e.Message}");
        }

        if (Entities is null || Entities.Count == 0)
        {
            errors.Add("SubscriptionRequest.Entities needs at least one EntityFilter (for example EntityFilter.OfType(\"Room\")).");
        }
        else
        {
            for (var i = 0; i < Entities.Count; i++)
            {
                var e = Entities[i];
                if (e is null)
                {
                    errors.Add($"SubscriptionRequest.Entities[{i}] is null.");
                    continue;
                }

                if (e.Id is not null && e.IdPattern is not null)
                {
                    errors.Add($"SubscriptionRequest.Entities[{i}] has both Id and IdPattern; give one.");
                }

                if (e.Type is not null && e.TypePattern is not null)
                {
                    errors.Add($"SubscriptionRequest.Entities[{i}] has both Type and TypePattern; give one.");
                }

                if (api == NgsiApi.Ld && string.IsNullOrEmpty(e.Type))
                {
                    errors.Add($"SubscriptionRequest.Entities[{i}] needs a Type: NGSI-LD subscriptions select entities by type.");
                }
            }
        }

        if (Attributes.Count > 0 && ExceptAttributes.Count > 0)
        {
            errors.Add("SubscriptionRequest.Attributes and ExceptAttributes are exclusive; give one.");
        }

        if (api == NgsiApi.Ld && ExceptAttributes.Count > 0)
        {
            errors.Add("SubscriptionRequest.ExceptAttributes is not available in NGSI-LD; list Attributes instead.");
        }

        var ldFormat = NotificationParser.IsLd(Format);
        if (Format == NotificationFormat.V2Custom || (Format != NotificationFormat.Auto && ldFormat != (api == NgsiApi.Ld)))
        {
            errors.Add($"SubscriptionRequest.Format {Format} does not fit an NGSI-{(api == NgsiApi.Ld ? "LD" : "v2")} broker.");
        }

        if (Format == NotificationFormat.V2Values && Attributes.Count == 0)
        {
            errors.Add("SubscriptionRequest.Format V2Values needs Attributes: values arrive unnamed, in that order.");
        }

        if (Transport == NotificationTransport.Mqtt && api == NgsiApi.Ld)
        {
            errors.Add("SubscriptionRequest.Transport Mqtt is available on NGSI-v2 brokers only (Orion's notification.mqtt); use Http for NGSI-LD.");
        }

        if (!Enum.IsDefined(Transport))
        {
            errors.Add($"SubscriptionRequest.Transport {Transport} is not a transport.");
        }

        if (Throttling is { } t && (t < TimeSpan.Zero || t > TimeSpan.FromDays(1)))
        {
            errors.Add($"SubscriptionRequest.Throttling must be between 0 and 1 day (was {t}).");
        }

        if (Lifetime is { } l && (l < TimeSpan.FromSeconds(1) || l > TimeSpan.FromDays(3650)))
        {
            errors.Add($"SubscriptionRequest.Lifetime must be between 1 second and 10 years (was {l}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }

    internal NotificationFormat EffectiveFormat(NgsiApi api) =>
        Format != NotificationFormat.Auto ? Format : api == NgsiApi.Ld ? NotificationFormat.LdNormalized : NotificationFormat.V2Normalized;
}
