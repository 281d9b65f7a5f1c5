using Microsoft.Extensions.Logging;

namespace NgsiFlow.Connector.Internal;

/// <summary>Log messages of the MQTT notification source.</summary>
internal static partial class MqttReceiverLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "MQTT receiver connected to {Broker} as '{ClientId}' (session present: {SessionPresent}, connection {Count})")]
    public static partial void Connected(ILogger logger, Uri broker, string clientId, bool sessionPresent, long count);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "MQTT receiver lost its connection to {Broker} ({Reason}) {Detail}; reconnecting")]
    public static partial void Disconnected(ILogger logger, Uri broker, string reason, string detail);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "MQTT reconnection {Attempt} to {Broker} failed: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, Uri broker, int attempt, string reason);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Dropped an MQTT notification for job '{Job}' on topic {Topic}: at {JsonPath}: {Reason}")]
    public static partial void BadNotification(ILogger logger, string job, string topic, string jsonPath, string reason);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Dropped an MQTT message on topic {Topic}: no job is routed there")]
    public static partial void Unroutable(ILogger logger, string topic);

    [LoggerMessage(EventId = 305, Level = LogLevel.Error, Message = "The target of job '{Job}' failed to take an MQTT notification; dropped")]
    public static partial void TargetFailed(ILogger logger, Exception error, string job);

    [LoggerMessage(EventId = 306, Level = LogLevel.Debug, Message = "Could not acknowledge an MQTT message on topic {Topic} ({Reason}); the broker will deliver it again")]
    public static partial void AcknowledgeFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 307, Level = LogLevel.Information, Message = "MQTT receiver on {Broker} stopped")]
    public static partial void Stopped(ILogger logger, Uri broker);

    [LoggerMessage(EventId = 308, Level = LogLevel.Debug, Message = "MQTT receiver could not disconnect cleanly: {Reason}")]
    public static partial void DisconnectFailed(ILogger logger, string reason);
}
