namespace NgsiFlow.Dashboard;

/// <summary>
/// The status of one broker subscription of the job, as the subscriptions panel shows it
/// (the fields follow the <c>notification</c> part of an NGSI-v2 subscription).
/// </summary>
public sealed record DashboardSubscription
{
    /// <summary>The subscription id the broker gave.</summary>
    public required string Id { get; init; }

    /// <summary>The broker's status: <c>active</c>, <c>inactive</c>, <c>failed</c>, <c>expired</c>...</summary>
    public string Status { get; init; } = "active";

    /// <summary>A short description (the subscription's description, or what it watches).</summary>
    public string? Description { get; init; }

    /// <summary>How many notifications the broker has sent, when known.</summary>
    public long? TimesSent { get; init; }

    /// <summary>When the broker last sent a notification.</summary>
    public DateTimeOffset? LastNotification { get; init; }

    /// <summary>When a notification was last delivered successfully.</summary>
    public DateTimeOffset? LastSuccess { get; init; }

    /// <summary>When a notification last failed.</summary>
    public DateTimeOffset? LastFailure { get; init; }

    /// <summary>Why the last notification failed, when known.</summary>
    public string? LastFailureReason { get; init; }
}
