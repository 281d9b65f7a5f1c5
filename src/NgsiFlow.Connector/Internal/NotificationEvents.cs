using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Internal;

/// <summary>Splits a parsed notification into per-entity events; shared by the HTTP and MQTT receivers.</summary>
internal static class NotificationEvents
{
    /// <summary>One event per entity; a custom payload must read as entities (otherwise the error says why).</summary>
    public static bool TryBuild(string job, NgsiNotification notification, DateTimeOffset received, out NgsiEvent[] events, out NgsiFormatException? error)
    {
        error = null;
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
            events[i] = new NgsiEvent(job, entity, notification.Fiware, notification.Format, notification.SubscriptionId, notification.NotifiedAt, received)
            {
                LdContext = ldContext.IsNull && entity is NgsiLdEntity e ? e.Context : ldContext,
            };
        }

        return true;
    }
}
