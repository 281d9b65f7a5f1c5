using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>
/// An NGSI-LD subscription (ETSI GS CIM 009, clause 5.2.12). For create give <see cref="Entities"/> or
/// <see cref="WatchedAttributes"/>, and <see cref="Notification"/>; for update give only what changes (null members are
/// not sent). <see cref="Id"/> may be given on create; <see cref="Status"/> and the notification counters are read-only.
/// </summary>
public sealed record NgsiLdSubscription
{
    /// <summary>The subscription id (a URI); assigned by the broker when not given.</summary>
    public string? Id { get; init; }

    /// <summary>A name for people.</summary>
    public string? SubscriptionName { get; init; }

    /// <summary>A free text.</summary>
    public string? Description { get; init; }

    /// <summary>The entities to watch.</summary>
    public IReadOnlyList<NgsiLdEntitySelector>? Entities { get; init; }

    /// <summary>Attributes whose change triggers a notification; null for any.</summary>
    public IReadOnlyList<string>? WatchedAttributes { get; init; }

    /// <summary>An NGSI-LD query the entity must match (<c>q</c>).</summary>
    public string? Q { get; init; }

    /// <summary>Where and how notifications are sent.</summary>
    public NgsiLdSubscriptionNotification? Notification { get; init; }

    /// <summary>When the subscription expires (<c>expiresAt</c>); null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Minimum seconds between two notifications (<c>throttling</c>).</summary>
    public double? Throttling { get; init; }

    /// <summary>Seconds between periodic notifications (<c>timeInterval</c>) instead of on change.</summary>
    public double? TimeInterval { get; init; }

    /// <summary>False pauses the subscription (<c>isActive</c>).</summary>
    public bool? IsActive { get; init; }

    /// <summary>The status (read-only): <c>active</c>, <c>paused</c> or <c>expired</c>.</summary>
    public string? Status { get; init; }

    /// <summary>An inline <c>@context</c>: the subscription is then sent as <c>application/ld+json</c>, without Link header.</summary>
    public NgsiValue? Context { get; init; }

    /// <summary>
    /// True when both describe the same subscription (entities, watched attributes, q, endpoint, attributes, format,
    /// throttling), with defaults taken into account; id, <c>expiresAt</c>, <c>isActive</c>, status and counters are ignored.
    /// </summary>
    /// <param name="other">The other subscription.</param>
    public bool HasSameDefinition(NgsiLdSubscription other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Internal.LdSubscriptionJson.Canonical(this), Internal.LdSubscriptionJson.Canonical(other), StringComparison.Ordinal);
    }
}
