namespace NgsiFlow.Client;

/// <summary>Selects NGSI-LD entities in a subscription: a <see cref="Type"/> (required by the spec), optionally an <see cref="Id"/> or <see cref="IdPattern"/>.</summary>
/// <param name="Type">The entity type (short name resolved by the @context, or a full URI).</param>
public sealed record NgsiLdEntitySelector(string Type)
{
    /// <summary>An exact entity id.</summary>
    public string? Id { get; init; }

    /// <summary>A regular expression on entity ids.</summary>
    public string? IdPattern { get; init; }
}
