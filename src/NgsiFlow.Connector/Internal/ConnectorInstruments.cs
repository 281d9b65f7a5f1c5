using System.Diagnostics.Metrics;

namespace NgsiFlow.Connector.Internal;

/// <summary>The process-wide instruments of <see cref="ConnectorMetrics"/>.</summary>
internal static class ConnectorInstruments
{
    private static readonly Meter Meter = new(ConnectorMetrics.MeterName);

    public static readonly Counter<long> Received = Meter.CreateCounter<long>(ConnectorMetrics.NotificationsReceived, "{notification}", "Notification requests received.");

    public static readonly Counter<long> Accepted = Meter.CreateCounter<long>(ConnectorMetrics.NotificationsAccepted, "{notification}", "Notifications answered 2xx.");

    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>(ConnectorMetrics.NotificationsRejected, "{notification}", "Notifications refused, by reason.");

    public static readonly Counter<long> Unavailable = Meter.CreateCounter<long>(ConnectorMetrics.ServiceUnavailable, "{notification}", "503 answers.");

    public static readonly Counter<long> Events = Meter.CreateCounter<long>(ConnectorMetrics.Events, "{event}", "Events handed to jobs.");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(ConnectorMetrics.NotificationDuration, "s", "Time to answer a notification.");

    public static readonly Counter<long> WriteBacksOk = Meter.CreateCounter<long>(ConnectorMetrics.WriteBacksOk, "{update}", "Write-backs confirmed by the broker.");

    public static readonly Counter<long> WriteBacksRetried = Meter.CreateCounter<long>(ConnectorMetrics.WriteBacksRetried, "{attempt}", "Write-back attempts retried.");

    public static readonly Counter<long> WriteBacksDeadLettered = Meter.CreateCounter<long>(ConnectorMetrics.WriteBacksDeadLettered, "{update}", "Write-backs dead-lettered.");

    public static readonly Counter<long> WriteBackRequests = Meter.CreateCounter<long>(ConnectorMetrics.WriteBackRequests, "{request}", "Write-back HTTP requests.");

    public static readonly Histogram<double> WriteBackDuration = Meter.CreateHistogram<double>(ConnectorMetrics.WriteBackDuration, "s", "Write-back latency.");

    public static readonly Counter<long> Subscriptions = Meter.CreateCounter<long>(ConnectorMetrics.Subscriptions, "{subscription}", "Managed subscription actions.");

    public static string Tag(RejectReason reason) => reason switch
    {
        RejectReason.Unauthorized => "unauthorized",
        RejectReason.NotFound => "not_found",
        RejectReason.MethodNotAllowed => "method_not_allowed",
        RejectReason.UnsupportedMediaType => "unsupported_media_type",
        RejectReason.TooLarge => "too_large",
        RejectReason.BadRequest => "bad_request",
        RejectReason.Overloaded => "overloaded",
        RejectReason.TargetFailed => "target_failed",
        _ => "stopping",
    };
}
