namespace NgsiFlow.Connector;

/// <summary>How a context broker delivers a managed subscription's notifications.</summary>
public enum NotificationTransport
{
    /// <summary>HTTP POSTs to the <see cref="NgsiReceiver"/> (<c>notification.http</c>). Each is answered once the job
    /// owns it; the broker does not resend a notification that failed.</summary>
    Http,

    /// <summary>Publishes on an MQTT broker that the <see cref="NgsiMqttReceiver"/> subscribes on
    /// (<c>notification.mqtt</c>, QoS 1): what is not acknowledged is delivered again, at least once. NGSI-v2 only.</summary>
    Mqtt,
}
