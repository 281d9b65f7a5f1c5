namespace NgsiFlow.Ngsi;

/// <summary>A custom (<c>httpCustom</c> payload) notification, passed through as received.</summary>
/// <param name="fiware">Tenant, service path, correlator.</param>
/// <param name="body">The body bytes (a copy).</param>
/// <param name="contentType">The Content-Type header, when present.</param>
public sealed class NgsiCustomNotification(FiwareContext fiware, byte[] body, string? contentType)
    : NgsiNotification(NotificationFormat.V2Custom, fiware)
{
    private readonly byte[] _body = body ?? throw new ArgumentNullException(nameof(body));

    /// <summary>The body as received.</summary>
    public ReadOnlyMemory<byte> Body => _body;

    /// <summary>The Content-Type header, when present.</summary>
    public string? ContentType { get; } = contentType;

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => System.Text.Encoding.UTF8.GetString(_body);

    /// <inheritdoc />
    public override IReadOnlyList<INgsiEntity> EntityList => [];
}
