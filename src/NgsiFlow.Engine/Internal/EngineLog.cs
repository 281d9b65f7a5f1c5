using Microsoft.Extensions.Logging;

namespace NgsiFlow.Engine.Internal;

internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Stream job {Job} started with {Stages} stages")]
    public static partial void Started(ILogger logger, string job, int stages);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stream job {Job} completed")]
    public static partial void Completed(ILogger logger, string job);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Stream job {Job} failed")]
    public static partial void Failed(ILogger logger, string job, Exception error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Stream job {Job} stopping gracefully")]
    public static partial void Stopping(ILogger logger, string job);
}
