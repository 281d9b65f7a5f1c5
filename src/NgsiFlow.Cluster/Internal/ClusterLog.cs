using Microsoft.Extensions.Logging;

namespace NgsiFlow.Cluster.Internal;

/// <summary>Log messages of the cluster's grains and node.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Node of job(s) {Jobs} ready: receiver {Receiver}, silo {Silo}, cluster '{ClusterId}'")]
    public static partial void NodeReady(ILogger logger, string jobs, Uri receiver, string silo, string clusterId);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Job '{Job}' could not apply an event of key '{Key}'; it is counted as rejected and not retried")]
    public static partial void ApplyFailed(ILogger logger, Exception error, string job, string key);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Key '{Key}' of job '{Job}' could not store its state; the activation is dropped and the call retried")]
    public static partial void StoreFailed(ILogger logger, Exception error, string job, string key);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Key '{Key}' of job '{Job}' took over {Count} unsent write-back(s) up to #{LastSeq}; sending them again")]
    public static partial void Replaying(ILogger logger, string job, string key, int count, long lastSeq);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Key '{Key}' of job '{Job}' found a newer owner's state in the store; this activation stops without writing")]
    public static partial void FencedOff(ILogger logger, string job, string key);

    [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "Write-back of key '{Key}' of job '{Job}' failed; retrying in {DelayMs} ms")]
    public static partial void WriteBackRetry(ILogger logger, Exception error, string job, string key, double delayMs);

    [LoggerMessage(EventId = 606, Level = LogLevel.Error, Message = "Write-back of key '{Key}' of job '{Job}' was given up by the replier (dead-lettered)")]
    public static partial void WriteBackGivenUp(ILogger logger, Exception error, string job, string key);

    [LoggerMessage(EventId = 607, Level = LogLevel.Debug, Message = "Grain call for key '{Key}' of job '{Job}' failed ({Error}); retrying")]
    public static partial void CommitRetry(ILogger logger, string job, string key, string error);

    [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "The cluster did not commit the event of key '{Key}' of job '{Job}' within {TimeoutMs} ms: {Error}")]
    public static partial void CommitTimedOut(ILogger logger, string job, string key, double timeoutMs, string error);

    [LoggerMessage(EventId = 609, Level = LogLevel.Warning, Message = "Key '{Key}' of job '{Job}' could not finish its hand-over ({Reason}); the next owner sends its last write-backs again")]
    public static partial void HandOverIncomplete(ILogger logger, Exception error, string job, string key, string reason);

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Job '{Job}' subscription '{Name}' on broker {Broker}: {Id} ({Action})")]
    public static partial void SubscriptionEnsured(ILogger logger, string job, string name, string broker, string id, string action);

    [LoggerMessage(EventId = 611, Level = LogLevel.Warning, Message = "Could not ensure the subscriptions of job '{Job}'; the node tries again in {DelaySeconds} s")]
    public static partial void SubscriptionFailed(ILogger logger, Exception error, string job, double delaySeconds);
}
