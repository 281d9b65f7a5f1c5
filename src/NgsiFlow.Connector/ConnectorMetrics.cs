namespace NgsiFlow.Connector;

/// <summary>
/// Instrument names of the connector, on the <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/>. Receiver instruments carry the tag <c>job</c> (empty when the route is unknown);
/// rejections add <c>reason</c> (a <see cref="RejectReason"/>, snake case); write-back instruments carry <c>job</c>
/// and <c>api</c> (v2 or ld).
/// </summary>
public static class ConnectorMetrics
{
    /// <summary>The meter's name: "NgsiFlow.Connector".</summary>
    public const string MeterName = "NgsiFlow.Connector";

    /// <summary>Counter: notification requests received.</summary>
    public const string NotificationsReceived = "ngsiflow.connector.notifications.received";

    /// <summary>Counter: notifications answered 2xx.</summary>
    public const string NotificationsAccepted = "ngsiflow.connector.notifications.accepted";

    /// <summary>Counter: notifications refused, tag <c>reason</c>.</summary>
    public const string NotificationsRejected = "ngsiflow.connector.notifications.rejected";

    /// <summary>Counter: 503 answers (overload or stopping).</summary>
    public const string ServiceUnavailable = "ngsiflow.connector.notifications.unavailable";

    /// <summary>Counter: events (entities) handed to jobs.</summary>
    public const string Events = "ngsiflow.connector.events";

    /// <summary>Histogram (seconds): time from request start to the answer, including time held for back-pressure.</summary>
    public const string NotificationDuration = "ngsiflow.connector.notification.duration";

    /// <summary>Counter: write-backs the broker confirmed.</summary>
    public const string WriteBacksOk = "ngsiflow.connector.writebacks.ok";

    /// <summary>Counter: write-back attempts retried (5xx, timeouts).</summary>
    public const string WriteBacksRetried = "ngsiflow.connector.writebacks.retried";

    /// <summary>Counter: write-backs that finally failed and went to the dead-letter log.</summary>
    public const string WriteBacksDeadLettered = "ngsiflow.connector.writebacks.deadlettered";

    /// <summary>Counter: HTTP requests the replier sent (a batch counts once).</summary>
    public const string WriteBackRequests = "ngsiflow.connector.writeback.requests";

    /// <summary>Histogram (seconds): from a write-back's submission to the broker's confirmation.</summary>
    public const string WriteBackDuration = "ngsiflow.connector.writeback.duration";

    /// <summary>Counter: managed subscriptions created, reused, renewed and deleted, tag <c>action</c>.</summary>
    public const string Subscriptions = "ngsiflow.connector.subscriptions";
}
