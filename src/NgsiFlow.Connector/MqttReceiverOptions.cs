using System.Globalization;
using Microsoft.Extensions.Logging;

namespace NgsiFlow.Connector;

/// <summary>Settings of an <see cref="NgsiMqttReceiver"/>; validated by <see cref="Validate"/> at start.</summary>
public sealed class MqttReceiverOptions
{
    /// <summary>The MQTT broker the receiver subscribes on, <c>mqtt://host[:port]</c> (port 1883 by default).</summary>
    public Uri? BrokerUrl { get; set; }

    /// <summary>
    /// The url the context broker publishes to, written into managed subscriptions' <c>notification.mqtt.url</c>; set it
    /// when the context broker reaches the MQTT broker by another name (containers). By default <see cref="BrokerUrl"/>.
    /// </summary>
    public Uri? PublicBrokerUrl { get; set; }

    /// <summary>
    /// The MQTT client id. It names the persistent session, so it must be fixed (the same after a restart, for the
    /// broker to deliver what arrived meanwhile) and unique among the broker's clients. Default <c>ngsiflow</c>.
    /// </summary>
    public string ClientId { get; set; } = "ngsiflow";

    /// <summary>The MQTT user, when the broker asks for one (with <see cref="Password"/>).</summary>
    public string? User { get; set; }

    /// <summary>The MQTT password.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The topics are <c>{TopicPrefix}/{job}</c> and <c>{TopicPrefix}/{job}/{subscription}</c>; the receiver subscribes to
    /// <c>{TopicPrefix}/#</c> with QoS 1. Default <c>ngsiflow</c>.
    /// </summary>
    public string TopicPrefix { get; set; } = "ngsiflow";

    /// <summary>
    /// Speak MQTT 5 (clean start off with <see cref="SessionExpiry"/>, <see cref="ReceiveMaximum"/>) instead of MQTT 3.1.1
    /// (clean session off; the broker decides how long the session lives). Default false: 3.1.1, which every broker
    /// speaks and Orion publishes with.
    /// </summary>
    public bool UseMqtt5 { get; set; }

    /// <summary>With <see cref="UseMqtt5"/>, how long the broker keeps the session (subscription and queued messages)
    /// while the receiver is away. Default 1 day.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// With <see cref="UseMqtt5"/>, messages the broker may have in flight to the receiver, unacknowledged (Receive
    /// Maximum); with 3.1.1 the broker's own limit applies (mosquitto: max_inflight_messages, 20 by default). The receiver
    /// acknowledges a message once its job owns the events, so this bounds what is redelivered after a crash. Default 64.
    /// </summary>
    public int ReceiveMaximum { get; set; } = 64;

    /// <summary>The MQTT keep-alive: a dead connection is noticed after about one and a half of it. Default 10 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before reconnecting to a broker that went away; doubled at each failure. Default 100 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between reconnection attempts. Default 10 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection attempt may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest accepted payload in bytes; larger ones are dropped and counted as too large. Default 8 MiB.</summary>
    public long MaxPayloadBytes { get; set; } = ReceiverOptions.DefaultMaxBodyBytes;

    /// <summary>Clock for receive times.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Loggers; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks every setting; throws one <see cref="ArgumentException"/> listing each bad value.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        CheckUrl(BrokerUrl, nameof(BrokerUrl), required: true, errors);
        CheckUrl(PublicBrokerUrl, nameof(PublicBrokerUrl), required: false, errors);
        if (string.IsNullOrEmpty(ClientId) || ClientId.Length > 128 || ClientId.Any(c => c <= ' ' || c > '~'))
        {
            errors.Add($"MqttReceiverOptions.ClientId must be 1 to 128 printable ASCII characters (was '{ClientId}').");
        }

        if ((User is null) != (Password is null))
        {
            errors.Add("MqttReceiverOptions.User and MqttReceiverOptions.Password must be set together.");
        }

        if (string.IsNullOrEmpty(TopicPrefix) || TopicPrefix.IndexOfAny(['+', '#']) >= 0 || TopicPrefix.EndsWith('/') || TopicPrefix.StartsWith('$'))
        {
            errors.Add($"MqttReceiverOptions.TopicPrefix must be non-empty, without '+', '#', a leading '$' or a trailing '/' (was '{TopicPrefix}').");
        }

        if (SessionExpiry < TimeSpan.FromSeconds(1) || SessionExpiry.TotalSeconds > uint.MaxValue - 1)
        {
            errors.Add(Invariant($"MqttReceiverOptions.SessionExpiry must be at least 1 second, or the session would not outlive the connection (was {SessionExpiry})."));
        }

        if (ReceiveMaximum is < 1 or > ushort.MaxValue)
        {
            errors.Add(Invariant($"MqttReceiverOptions.ReceiveMaximum must be between 1 and 65535 (was {ReceiveMaximum})."));
        }

        if (KeepAlive < TimeSpan.FromSeconds(1) || KeepAlive > TimeSpan.FromHours(18))
        {
            errors.Add(Invariant($"MqttReceiverOptions.KeepAlive must be between 1 second and 18 hours (was {KeepAlive})."));
        }

        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
        {
            errors.Add(Invariant($"MqttReceiverOptions.ReconnectMinDelay must be positive and at most ReconnectMaxDelay (were {ReconnectMinDelay} and {ReconnectMaxDelay})."));
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add(Invariant($"MqttReceiverOptions.ConnectTimeout must be positive (was {ConnectTimeout})."));
        }

        if (MaxPayloadBytes < 1024)
        {
            errors.Add(Invariant($"MqttReceiverOptions.MaxPayloadBytes must be at least 1024 (was {MaxPayloadBytes})."));
        }

        if (TimeProvider is null)
        {
            errors.Add("MqttReceiverOptions.TimeProvider must be set.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }

    /// <summary>The url written into subscriptions: <see cref="PublicBrokerUrl"/> or <see cref="BrokerUrl"/>, as <c>mqtt://host:port</c>.</summary>
    internal string SubscriptionUrl
    {
        get
        {
            var url = PublicBrokerUrl ?? BrokerUrl!;
            return Invariant($"mqtt://{url.Host}:{(url.IsDefaultPort || url.Port < 0 ? 1883 : url.Port)}");
        }
    }

    private static void CheckUrl(Uri? url, string name, bool required, List<string> errors)
    {
        if (url is null)
        {
            if (required)
            {
                errors.Add($"MqttReceiverOptions.{name} must be set, for example mqtt://localhost:1883.");
            }

            return;
        }

        if (!url.IsAbsoluteUri || url.Scheme != "mqtt" || url.Host.Length == 0 || url.AbsolutePath != "/")
        {
            errors.Add($"MqttReceiverOptions.{name} must be mqtt://host[:port] without a path (was '{url}').");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
