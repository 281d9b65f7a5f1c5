using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>The <c>notification</c> member of an NGSI-LD subscription.</summary>
/// <param name="Endpoint">Where notifications go.</param>
public sealed record NgsiLdSubscriptionNotification(NgsiLdEndpoint Endpoint)
{
    /// <summary>The attributes to include (<c>attributes</c>); null for all.</summary>
    public IReadOnlyList<string>? Attributes { get; init; }

    /// <summary>The format (<c>normalized</c>, <c>concise</c>, or <c>keyValues</c> for simplified); normalized when not given.</summary>
    public NgsiLdRepresentation? Format { get; init; }

    /// <summary>The notification status (read-only): <c>ok</c> or <c>failed</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Notifications sent (read-only).</summary>
    public long? TimesSent { get; init; }

    /// <summary>When the last notification was sent (read-only).</summary>
    public DateTimeOffset? LastNotification { get; init; }

    /// <summary>When a notification last succeeded (read-only).</summary>
    public DateTimeOffset? LastSuccess { get; init; }

    /// <summary>When a notification last failed (read-only).</summary>
    public DateTimeOffset? LastFailure { get; init; }
}
