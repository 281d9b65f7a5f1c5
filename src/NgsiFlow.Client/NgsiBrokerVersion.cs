using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>The answer of <c>GET /version</c>.</summary>
/// <param name="Version">The broker's version, e.g. <c>3.10.1</c>, or null when the answer has none.</param>
/// <param name="Uptime">The uptime text, when given.</param>
/// <param name="Raw">The whole answer.</param>
public sealed record NgsiBrokerVersion(string? Version, string? Uptime, NgsiValue Raw);
