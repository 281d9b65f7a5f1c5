using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Internal;

/// <summary>Splits a parsed notification into per-entity events; shared by the HTTP and MQTT receivers.</summary>
internal static class NotificationEvents
{
    /// <summary>One event per entity; a custom payload must read as entities (otherwise the error says why).</summary>
    /// <param name="job">The job.</param>
    /// <param name="notification">The parsed notification.</param>
    /// <param name="received">When it arrived.</param>
    /// <param name="events">The events.</param>
    /// <param name="error">Why a custom payload is not entities.</param>
    /// <param name="fiware">The tenant and service path when the transport carries none (MQTT): the subscription's.</param>
    public static bool TryBuild(string job, NgsiNotification notification, DateTimeOffset received, out NgsiEvent[] events, out NgsiFormatException? error, FiwareContext? fiware = null)
    {
        error = null;
        var context = fiware ?? notification.Fiware;
        var ldContext = notification is NgsiLdNotification ld ? ld.Context : default;
        IReadOnlyList<INgsiEntity> entities = notification.EntityList;
        if (notification is NgsiCustomNotification custom && !CustomPayload.TryReadEntities(custom, out entities, out error))
        {
            events = [];
            return false;
        }

        events = entities.Count == 0 ? [] : new NgsiEvent[entities.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var entity = entities[i];
            events[i] = new NgsiEvent(job, entity, context, notification.Format, notification.SubscriptionId, notification.NotifiedAt, received)
            {
                LdContext = ldContext.IsNull && entity is NgsiLdEntity e ? e.Context : ldContext,
                TraceContext = System.Diagnostics.Activity.Current?.Context ?? default,
            };
        }

        return true;
    }
}
