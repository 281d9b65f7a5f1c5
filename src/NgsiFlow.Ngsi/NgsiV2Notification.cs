namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-v2 notification (normalized, keyValues, values, simplifiedNormalized or simplifiedKeyValues).</summary>
/// <param name="format">The format.</param>
/// <param name="fiware">Tenant, service path, correlator.</param>
/// <param name="entities">The entities, in order.</param>
public sealed class NgsiV2Notification(NotificationFormat format, FiwareContext fiware, IReadOnlyList<NgsiV2Entity> entities)
    : NgsiNotification(format, fiware)
{
    /// <summary>The entities, in order.</summary>
    public IReadOnlyList<NgsiV2Entity> Entities { get; } = entities ?? throw new ArgumentNullException(nameof(entities));

    /// <inheritdoc />
    public override IReadOnlyList<INgsiEntity> EntityList => Entities;
}
