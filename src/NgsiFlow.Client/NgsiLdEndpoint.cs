namespace NgsiFlow.Client;

/// <summary>The <c>endpoint</c> of an NGSI-LD subscription's notification.</summary>
/// <param name="Uri">The receiver's URL.</param>
public sealed record NgsiLdEndpoint(Uri Uri)
{
    /// <summary>The media type of notifications: <c>application/json</c> (context in a Link header) or <c>application/ld+json</c>.</summary>
    public string? Accept { get; init; }

    /// <summary>Headers the broker adds to each notification (<c>receiverInfo</c>), e.g. a shared secret.</summary>
    public IReadOnlyDictionary<string, string>? ReceiverInfo { get; init; }
}
