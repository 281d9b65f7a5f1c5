namespace NgsiFlow.Broker.Internal.Registrations;

/// <summary>
/// An entity selector, an id or an id pattern and an optional type: of a registration's <c>dataProvided</c> (where the
/// pattern is <c>.*</c>), and of a query forwarded to its provider.
/// </summary>
internal sealed record RegisteredEntity(string? Id, string? IdPattern, string? Type);

/// <summary>
/// A context provider registration (<c>/v2/registrations</c>): which entities and attributes a provider serves, at
/// which URL and for which forwarding. Immutable: Orion has no PATCH for registrations.
/// </summary>
internal sealed class Registration
{
    public required string Id { get; init; }

    public required string ServicePath { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<RegisteredEntity> Entities { get; init; }

    /// <summary>The attributes provided; empty for all of them.</summary>
    public required IReadOnlyList<string> Attrs { get; init; }

    public required string Url { get; init; }

    /// <summary><c>all</c> (the default), <c>query</c>, <c>update</c> or <c>none</c>.</summary>
    public required string ForwardingMode { get; init; }

    public bool LegacyForwarding { get; init; }

    /// <summary><c>active</c> or <c>inactive</c> (stored and shown, as in Orion).</summary>
    public required string Status { get; init; }

    public DateTime? Expires { get; init; }
}
