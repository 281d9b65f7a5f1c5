using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal.Notifications;

/// <summary>One HTTP or MQTT notification, fully rendered at trigger time so that the sender needs no entity lock.</summary>
internal sealed class NotificationJob
{
    public required Subscription Subscription { get; init; }

    public required HttpMethod Method { get; init; }

    public required string Url { get; init; }

    /// <summary>The parsed <see cref="Url"/> when it is the subscription's fixed one (parsed once, not per notification).</summary>
    public Uri? ParsedUrl { get; init; }

    /// <summary>The MQTT broker to publish on; null for an HTTP notification.</summary>
    public Subscriptions.MqttEndpoint? Mqtt { get; init; }

    /// <summary>The MQTT topic, macros replaced; null for an HTTP notification.</summary>
    public string? Topic { get; init; }

    public byte[]? Body { get; init; }

    public required string ContentType { get; init; }

    /// <summary>The Ngsiv2-AttrsFormat header value.</summary>
    public required string Format { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    public required string Tenant { get; init; }

    public required string ServicePath { get; init; }

    public required string Correlator { get; init; }

    /// <summary>A hash of the entity's id and type: the notifications of one entity share a sender and so keep their order.</summary>
    public required int EntityHash { get; init; }

    /// <summary>The span of the update that caused the notification (default when nobody traces).</summary>
    public System.Diagnostics.ActivityContext Parent { get; init; }

    /// <summary>The notify span's W3C id, sent as <c>traceparent</c>; null when nobody traces.</summary>
    public string? TraceParent { get; set; }
}
