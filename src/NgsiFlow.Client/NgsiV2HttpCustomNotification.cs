using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary><c>notification.httpCustom</c>.</summary>
/// <param name="Url">The URL; may hold <c>${...}</c> macros.</param>
public sealed record NgsiV2HttpCustomNotification(string Url)
{
    /// <summary>Headers added to each notification (e.g. a shared secret the receiver checks).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Query parameters added to the URL.</summary>
    public IReadOnlyDictionary<string, string>? Qs { get; init; }

    /// <summary>The HTTP method (POST when not given).</summary>
    public string? Method { get; init; }

    /// <summary>A text payload with macros, instead of the notification body.</summary>
    public string? Payload { get; init; }

    /// <summary>A JSON payload with macros, instead of the notification body.</summary>
    public NgsiValue? Json { get; init; }

    /// <summary>Per-notification timeout in milliseconds.</summary>
    public int? Timeout { get; init; }
}
