using Microsoft.Extensions.Logging;

namespace NgsiFlow.Sinks.Internal;

/// <summary>Source-generated log messages of the sinks and sources.</summary>
internal static partial class SinkLog
{
    [LoggerMessage(1, LogLevel.Warning, "{SinkType} sink '{Sink}' failed to write to {Target} (attempt {Attempt}), retrying in {Delay}: {Cause}")]
    public static partial void Retrying(ILogger logger, string sinkType, string sink, string target, int attempt, TimeSpan delay, string cause);

    [LoggerMessage(2, LogLevel.Error, "{SinkType} sink '{Sink}' gave up on {Records} record(s) for {Target}: {Cause}")]
    public static partial void GaveUp(ILogger logger, string sinkType, string sink, int records, string target, string cause, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Source '{Source}' rejected the record at position {Position}: {Reason}")]
    public static partial void SourceRejected(ILogger logger, string source, long position, string reason);

    [LoggerMessage(4, LogLevel.Information, "{SinkType} sink '{Sink}' created {Target}")]
    public static partial void Created(ILogger logger, string sinkType, string sink, string target);
}
