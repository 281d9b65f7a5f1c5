namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD notification (normalized, concise or simplified).</summary>
/// <param name="format">The format.</param>
/// <param name="fiware">Tenant (NGSILD-Tenant), service path, correlator.</param>
/// <param name="entities">The entities, in order.</param>
public sealed class NgsiLdNotification(NotificationFormat format, FiwareContext fiware, IReadOnlyList<NgsiLdEntity> entities)
    : NgsiNotification(format, fiware)
{
    /// <summary>The entities, in order.</summary>
    public IReadOnlyList<NgsiLdEntity> Entities { get; } = entities ?? throw new ArgumentNullException(nameof(entities));

    /// <summary>The notification id (<c>urn:ngsi-ld:Notification:...</c>).</summary>
    public string? Id { get; init; }

    /// <summary>
    /// The JSON-LD context: the body's <c>@context</c>, else the URL of the <c>Link</c> header
    /// (as a string), else JSON null.
    /// </summary>
    public NgsiValue Context { get; init; }

    /// <summary>True when <see cref="Context"/> came from the <c>Link</c> header.</summary>
    public bool ContextFromLinkHeader { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<INgsiEntity> EntityList => Entities;
}
