using Microsoft.Extensions.Logging;

namespace NgsiFlow.Connector.Internal;

/// <summary>Log messages of subscriptions, the connector and the replier.</summary>
internal static partial class ConnectorLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Job '{Job}' subscribed on broker {Broker}: subscription {Id} notifies {Url}")]
    public static partial void SubscriptionReady(ILogger logger, string job, string broker, string id, Uri url);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Renewed subscription {Id} of job '{Job}' on broker {Broker} until {Expires}")]
    public static partial void SubscriptionRenewed(ILogger logger, string job, string broker, string id, DateTimeOffset expires);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Could not renew subscription {Id} of job '{Job}' on broker {Broker}; retrying")]
    public static partial void SubscriptionRenewFailed(ILogger logger, Exception error, string job, string broker, string id);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Deleted subscription {Id} of job '{Job}' on broker {Broker}")]
    public static partial void SubscriptionDeleted(ILogger logger, string job, string broker, string id);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Could not delete subscription {Id} of job '{Job}' on broker {Broker}")]
    public static partial void SubscriptionDeleteFailed(ILogger logger, Exception error, string job, string broker, string id);

    [LoggerMessage(EventId = 210, Level = LogLevel.Error, Message = "Write-back {Method} {Path} failed for good ({Status} {Error}); dead-lettered")]
    public static partial void DeadLettered(ILogger logger, string method, string path, int status, string? error);

    [LoggerMessage(EventId = 211, Level = LogLevel.Error, Message = "Could not write to the dead-letter log {Path}")]
    public static partial void DeadLetterFailed(ILogger logger, Exception error, string path);

    [LoggerMessage(EventId = 212, Level = LogLevel.Debug, Message = "Batch of {Count} write-backs failed ({Status}); sending them one by one")]
    public static partial void BatchSplit(ILogger logger, int count, int status);

    [LoggerMessage(EventId = 220, Level = LogLevel.Information, Message = "Connector started: {Jobs} jobs, {Subscriptions} subscriptions, receiver at {Url}")]
    public static partial void Started(ILogger logger, int jobs, int subscriptions, Uri url);

    [LoggerMessage(EventId = 221, Level = LogLevel.Information, Message = "Connector stopped")]
    public static partial void Stopped(ILogger logger);
}
