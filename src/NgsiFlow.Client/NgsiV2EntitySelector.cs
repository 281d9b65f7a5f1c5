namespace NgsiFlow.Client;

/// <summary>
/// Selects entities in a subscription subject or a batch query: an <see cref="Id"/> or an <see cref="IdPattern"/>,
/// optionally with a <see cref="Type"/> or a <see cref="TypePattern"/>.
/// </summary>
public sealed record NgsiV2EntitySelector
{
    /// <summary>An exact entity id.</summary>
    public string? Id { get; init; }

    /// <summary>A regular expression on entity ids (<c>.*</c> for all).</summary>
    public string? IdPattern { get; init; }

    /// <summary>An exact entity type.</summary>
    public string? Type { get; init; }

    /// <summary>A regular expression on entity types.</summary>
    public string? TypePattern { get; init; }

    /// <summary>One entity by id (and type).</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="type">The entity type, or null for any.</param>
    public static NgsiV2EntitySelector ById(string id, string? type = null) => new() { Id = id, Type = type };

    /// <summary>Entities whose id matches a pattern (and of a type).</summary>
    /// <param name="idPattern">A regular expression on ids.</param>
    /// <param name="type">The entity type, or null for any.</param>
    public static NgsiV2EntitySelector ByPattern(string idPattern = ".*", string? type = null) => new() { IdPattern = idPattern, Type = type };

    internal void Check(string path)
    {
        if ((Id is null) == (IdPattern is null))
        {
            throw new ArgumentException($"{path}: give exactly one of Id and IdPattern.");
        }

        if (Type is not null && TypePattern is not null)
        {
            throw new ArgumentException($"{path}: give at most one of Type and TypePattern.");
        }
    }
}
