using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// One entity of a notification, as a job receives it: the receiver splits every notification into one event per
/// entity and keeps with each what the broker said about it (tenant, service path, correlator, subscription, times).
/// </summary>
public sealed class NgsiEvent
{
    /// <summary>Creates an event; the receiver does this, and transports that carry events between processes.</summary>
    /// <param name="job">The job the event is routed to.</param>
    /// <param name="entity">The entity as notified.</param>
    /// <param name="fiware">Tenant, service path and correlator of the notification.</param>
    /// <param name="format">The notification format the entity came in.</param>
    /// <param name="subscriptionId">The broker's subscription id, when the notification named one.</param>
    /// <param name="notifiedAt">When the broker sent the notification, when it said.</param>
    /// <param name="receivedAt">When the receiver accepted the request.</param>
    public NgsiEvent(string job, INgsiEntity entity, FiwareContext fiware, NotificationFormat format, string? subscriptionId, DateTimeOffset? notifiedAt, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(fiware);
        Job = job;
        Entity = entity;
        Fiware = fiware;
        Format = format;
        SubscriptionId = subscriptionId;
        NotifiedAt = notifiedAt;
        ReceivedAt = receivedAt;
    }

    /// <summary>The job the event was routed to.</summary>
    public string Job { get; }

    /// <summary>The entity (<see cref="NgsiV2Entity"/> or <see cref="NgsiLdEntity"/>).</summary>
    public INgsiEntity Entity { get; }

    /// <summary>Tenant (<c>Fiware-Service</c> / <c>NGSILD-Tenant</c>), service path and correlator as notified.</summary>
    public FiwareContext Fiware { get; }

    /// <summary>The notification format (NGSI-v2 normalized, keyValues, ..., NGSI-LD normalized, concise, simplified).</summary>
    public NotificationFormat Format { get; }

    /// <summary>The broker's subscription id, when the notification carried one.</summary>
    public string? SubscriptionId { get; }

    /// <summary>The notification's <c>notifiedAt</c>, when present.</summary>
    public DateTimeOffset? NotifiedAt { get; }

    /// <summary>When the receiver accepted the notification.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The NGSI-LD <c>@context</c> of the notification (a URL string, an array or an object), null for NGSI-v2.</summary>
    public NgsiValue LdContext { get; init; }

    /// <summary>The span of the notification that carried the event (default when nobody traces), so that the job's
    /// work and its write-backs join the notification's trace.</summary>
    public System.Diagnostics.ActivityContext TraceContext { get; init; }

    /// <summary>The entity's id.</summary>
    public string EntityId => Entity.Id;

    /// <summary>The entity's (first) type.</summary>
    public string EntityType => Entity.Type;

    /// <summary>The <c>Fiware-Correlator</c> header of the notification, as sent (null when absent).</summary>
    public string? Correlator => Fiware.Correlator;

    /// <summary>True when the entity came from an NGSI-LD broker.</summary>
    public bool IsLd => Entity is NgsiLdEntity;

    /// <summary>The entity as NGSI-v2.</summary>
    /// <exception cref="InvalidOperationException">The event carries an NGSI-LD entity.</exception>
    public NgsiV2Entity V2Entity => Entity as NgsiV2Entity
        ?? throw new InvalidOperationException($"Entity '{Entity.Id}' came from an NGSI-LD notification; use LdEntity.");

    /// <summary>The entity as NGSI-LD.</summary>
    /// <exception cref="InvalidOperationException">The event carries an NGSI-v2 entity.</exception>
    public NgsiLdEntity LdEntity => Entity as NgsiLdEntity
        ?? throw new InvalidOperationException($"Entity '{Entity.Id}' came from an NGSI-v2 notification; use V2Entity.");

    /// <inheritdoc/>
    public override string ToString() => $"{Job}: {Entity.Id} ({Entity.Type}) via {SubscriptionId ?? "path"}";
}
