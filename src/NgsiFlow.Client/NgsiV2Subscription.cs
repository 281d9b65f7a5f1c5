namespace NgsiFlow.Client;

/// <summary>
/// An NGSI-v2 subscription as Orion defines it. For <c>POST</c> give <see cref="Subject"/> and <see cref="Notification"/>;
/// for <c>PATCH</c> give only what changes (null members are not sent). <see cref="Id"/> and the notification
/// counters are read-only: they come from the broker and are never sent.
/// </summary>
public sealed record NgsiV2Subscription
{
    /// <summary>The subscription id (read-only).</summary>
    public string? Id { get; init; }

    /// <summary>A free text (up to 1024 characters).</summary>
    public string? Description { get; init; }

    /// <summary>Which entities, and which changes, trigger a notification.</summary>
    public NgsiV2SubscriptionSubject? Subject { get; init; }

    /// <summary>Where and how notifications are sent.</summary>
    public NgsiV2SubscriptionNotification? Notification { get; init; }

    /// <summary>When the subscription expires; null for never.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>The status (<c>active</c> when not given).</summary>
    public NgsiV2SubscriptionStatus? Status { get; init; }

    /// <summary>Minimum seconds between two notifications.</summary>
    public double? Throttling { get; init; }

    /// <summary>
    /// True when both describe the same subscription: same subject, notification target, attributes, format and
    /// throttling, with the broker's defaults taken into account. Id, <c>expires</c>, <c>status</c> and the counters
    /// are ignored, so a definition matches the broker's echo of it (to reuse an existing subscription).
    /// </summary>
    /// <param name="other">The other subscription.</param>
    public bool HasSameDefinition(NgsiV2Subscription other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Internal.V2SubscriptionJson.Canonical(this), Internal.V2SubscriptionJson.Canonical(other), StringComparison.Ordinal);
    }
}
