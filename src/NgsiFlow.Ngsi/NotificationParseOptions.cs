namespace NgsiFlow.Ngsi;

/// <summary>Options for <see cref="NotificationParser"/>.</summary>
public sealed class NotificationParseOptions
{
    /// <summary>Shared defaults.</summary>
    public static NotificationParseOptions Default { get; } = new();

    /// <summary>
    /// The format, when the caller knows it (e.g. from the subscription). <see cref="NotificationFormat.Auto"/>
    /// reads the <c>Ngsiv2-AttrsFormat</c> / <c>Ngsild-Attribute-Format</c> header, then looks at the body.
    /// </summary>
    public NotificationFormat Format { get; init; }

    /// <summary>
    /// The subscription's attribute list (<c>notification.attrs</c>), needed to name the values of the
    /// <c>values</c> format. Without it, values are named by position: "0", "1", ...
    /// </summary>
    public IReadOnlyList<string>? ValuesAttributeNames { get; init; }

    /// <summary>Largest body accepted, in bytes; larger bodies raise <see cref="NgsiFormatException"/>. Default: no limit.</summary>
    public long MaxBodyBytes { get; init; } = long.MaxValue;

    /// <summary>Deepest JSON nesting accepted. Default 64.</summary>
    public int MaxDepth { get; init; } = 64;
}
