namespace NgsiFlow.Broker.Internal.Subscriptions;

/// <summary>
/// <c>notification.mqtt</c> or <c>notification.mqttCustom</c>: the MQTT broker to publish on, the topic (a template in
/// mqttCustom), QoS, retain and credentials. Orion connects on the first notification and keeps the connection.
/// </summary>
internal sealed class MqttEndpoint
{
    /// <summary>The url as the client gave it, <c>mqtt://host[:port]</c>.</summary>
    public required string Url { get; init; }

    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>The topic; in mqttCustom it may hold <c>${...}</c> macros.</summary>
    public required string Topic { get; init; }

    /// <summary>0, 1 or 2; 0 when not given, as in Orion.</summary>
    public int Qos { get; init; }

    public bool Retain { get; init; }

    /// <summary>Set together with <see cref="Passwd"/>, or neither.</summary>
    public string? User { get; init; }

    /// <summary>Never rendered back: GET shows <c>*****</c>, as Orion does.</summary>
    public string? Passwd { get; init; }

    /// <summary>mqttCustom's payload, json or ngsi field (no headers, qs or method: MQTT has none); null for plain mqtt.</summary>
    public HttpCustom? Custom { get; init; }

    /// <summary>Whether this is <c>mqttCustom</c>.</summary>
    public bool IsCustom => Custom is not null;

    /// <summary>One connection serves every subscription with the same broker and credentials.</summary>
    public (string Host, int Port, string? User, string? Passwd) ConnectionKey => (Host, Port, User, Passwd);
}
