using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// What the receiver hands to an <see cref="INotificationTarget"/> for one accepted HTTP notification: the parsed
/// notification and its per-entity events, in notification order.
/// </summary>
public sealed class NotificationBatch
{
    /// <summary>Creates a batch.</summary>
    /// <param name="job">The job the notification is routed to.</param>
    /// <param name="notification">The parsed notification.</param>
    /// <param name="events">One event per entity, in notification order.</param>
    public NotificationBatch(string job, NgsiNotification notification, IReadOnlyList<NgsiEvent> events)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(events);
        Job = job;
        Notification = notification;
        Events = events;
    }

    /// <summary>The job the notification is routed to.</summary>
    public string Job { get; }

    /// <summary>The parsed notification.</summary>
    public NgsiNotification Notification { get; }

    /// <summary>One event per entity, in notification order (empty for a notification without entities).</summary>
    public IReadOnlyList<NgsiEvent> Events { get; }
}
