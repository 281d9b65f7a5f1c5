namespace NgsiFlow.Client;

/// <summary>The <c>notification</c> of an NGSI-v2 subscription.</summary>
public sealed record NgsiV2SubscriptionNotification
{
    /// <summary><c>http</c>: a plain POST of the notification to a URL. Give exactly one of this, <see cref="HttpCustom"/> and <see cref="Mqtt"/>.</summary>
    public NgsiV2HttpNotification? Http { get; init; }

    /// <summary><c>httpCustom</c>: URL, headers, query, method and payload of your own.</summary>
    public NgsiV2HttpCustomNotification? HttpCustom { get; init; }

    /// <summary><c>mqtt</c>: the notification published on an MQTT broker's topic.</summary>
    public NgsiV2MqttNotification? Mqtt { get; init; }

    /// <summary>The attributes to include; null or empty for all.</summary>
    public IReadOnlyList<string>? Attrs { get; init; }

    /// <summary>The attributes to leave out (excludes <see cref="Attrs"/>).</summary>
    public IReadOnlyList<string>? ExceptAttrs { get; init; }

    /// <summary>The notification format; <c>normalized</c> when not given.</summary>
    public NgsiV2AttrsFormat? AttrsFormat { get; init; }

    /// <summary>The metadata to include.</summary>
    public IReadOnlyList<string>? Metadata { get; init; }

    /// <summary>Only the attributes that changed are notified.</summary>
    public bool? OnlyChangedAttrs { get; init; }

    /// <summary>Attributes in <see cref="Attrs"/> that the entity lacks are notified as null.</summary>
    public bool? Covered { get; init; }

    /// <summary>After this many failed notifications in a row the subscription becomes inactive.</summary>
    public int? MaxFailsLimit { get; init; }

    /// <summary>Notifications sent (read-only).</summary>
    public long? TimesSent { get; init; }

    /// <summary>When the last notification was sent (read-only).</summary>
    public DateTimeOffset? LastNotification { get; init; }

    /// <summary>When a notification last succeeded (read-only).</summary>
    public DateTimeOffset? LastSuccess { get; init; }

    /// <summary>The HTTP status of the last successful notification (read-only).</summary>
    public int? LastSuccessCode { get; init; }

    /// <summary>When a notification last failed (read-only).</summary>
    public DateTimeOffset? LastFailure { get; init; }

    /// <summary>Why the last notification failed (read-only).</summary>
    public string? LastFailureReason { get; init; }

    /// <summary>Failed notifications in a row (read-only).</summary>
    public long? FailsCounter { get; init; }
}
