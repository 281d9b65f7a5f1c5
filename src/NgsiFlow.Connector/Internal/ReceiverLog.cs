using Microsoft.Extensions.Logging;

namespace NgsiFlow.Connector.Internal;

/// <summary>The receiver's log messages.</summary>
internal static partial class ReceiverLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Notification receiver listening on {Address} (public URL {PublicUrl})")]
    public static partial void Started(ILogger logger, Uri address, Uri publicUrl);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Notification receiver on {Address} stopped")]
    public static partial void Stopped(ILogger logger, Uri address);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Refused a notification for job '{Job}': 400 at {JsonPath}: {Reason}")]
    public static partial void BadNotification(ILogger logger, string job, string jsonPath, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Answered 503 to a notification for job '{Job}' ({Reason})")]
    public static partial void Unavailable(ILogger logger, string job, RejectReason reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "The target of job '{Job}' failed to take a notification; answered 500")]
    public static partial void TargetFailed(ILogger logger, Exception error, string job);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Could not read the body of a notification to {Path}: {Reason}")]
    public static partial void BodyFailed(ILogger logger, string path, string reason);
}
