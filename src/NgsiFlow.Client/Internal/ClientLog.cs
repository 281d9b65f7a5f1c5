using Microsoft.Extensions.Logging;

namespace NgsiFlow.Client.Internal;

/// <summary>The client's log messages.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Method} {Uri}: attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string method, Uri? uri, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Method} {Uri} failed with {Status}: {Error}: {Description}")]
    public static partial void CallFailed(ILogger logger, string method, Uri? uri, int status, string? error, string? description);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{Method} {Uri} was refused with {Status}: {Error}: {Description}")]
    public static partial void CallRefused(ILogger logger, string method, Uri? uri, int status, string? error, string? description);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Obtained an OAuth2 access token from {Endpoint}, valid for {Seconds} s")]
    public static partial void TokenObtained(ILogger logger, Uri endpoint, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{Method} {Uri} answered 401; refreshing the access token once")]
    public static partial void Unauthorized(ILogger logger, string method, Uri? uri);
}
