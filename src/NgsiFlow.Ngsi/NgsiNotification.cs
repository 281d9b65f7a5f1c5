namespace NgsiFlow.Ngsi;

/// <summary>
/// A parsed notification. Concrete types: <see cref="NgsiV2Notification"/>, <see cref="NgsiLdNotification"/>,
/// <see cref="NgsiCustomNotification"/>. Produced by <see cref="NotificationParser"/>.
/// </summary>
public abstract class NgsiNotification
{
    /// <summary>Creates the common part.</summary>
    /// <param name="format">The format.</param>
    /// <param name="fiware">Tenant, service path, correlator.</param>
    protected NgsiNotification(NotificationFormat format, FiwareContext fiware)
    {
        ArgumentNullException.ThrowIfNull(fiware);
        Format = format;
        Fiware = fiware;
    }

    /// <summary>The format it came in.</summary>
    public NotificationFormat Format { get; }

    /// <summary>Tenant, service path and correlator (from the headers).</summary>
    public FiwareContext Fiware { get; }

    /// <summary>The subscription that caused it, when the body says.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>When the broker sent it (<c>notifiedAt</c>), when the body says.</summary>
    public DateTimeOffset? NotifiedAt { get; init; }

    /// <summary>The entities, common view (empty for custom notifications).</summary>
    public abstract IReadOnlyList<INgsiEntity> EntityList { get; }
}
