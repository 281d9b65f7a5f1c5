namespace NgsiFlow.Client;

/// <summary>
/// <c>notification.mqtt</c>: Orion publishes each notification (the same body as over HTTP, in the subscription's
/// attrsFormat) on an MQTT broker.
/// </summary>
/// <param name="Url">The MQTT broker, <c>mqtt://host[:port]</c> (no path).</param>
/// <param name="Topic">The topic to publish on; no <c>+</c> or <c>#</c>.</param>
public sealed record NgsiV2MqttNotification(string Url, string Topic)
{
    /// <summary>The QoS of the publishes, 0 to 2; 0 when not given.</summary>
    public int? Qos { get; init; }

    /// <summary>Publish retained messages; false when not given.</summary>
    public bool? Retain { get; init; }

    /// <summary>The MQTT user; give it with <see cref="Passwd"/>.</summary>
    public string? User { get; init; }

    /// <summary>The MQTT password; brokers answer it masked (<c>*****</c>).</summary>
    public string? Passwd { get; init; }
}
