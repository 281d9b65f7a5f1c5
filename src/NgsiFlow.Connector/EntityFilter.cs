namespace NgsiFlow.Connector;

/// <summary>Which entities a subscription watches: by id or id pattern, and type or type pattern.</summary>
/// <param name="Id">An exact entity id.</param>
/// <param name="IdPattern">A regular expression over entity ids (default ".*" when neither id nor pattern is given).</param>
/// <param name="Type">An entity type (required by NGSI-LD).</param>
/// <param name="TypePattern">A regular expression over entity types (NGSI-v2 only).</param>
public sealed record EntityFilter(string? Id = null, string? IdPattern = null, string? Type = null, string? TypePattern = null)
{
    /// <summary>Every entity of one type.</summary>
    /// <param name="type">The entity type.</param>
    /// <returns>The filter.</returns>
    public static EntityFilter OfType(string type) => new(IdPattern: ".*", Type: type);

    /// <summary>One entity.</summary>
    /// <param name="id">The entity id.</param>
    /// <param name="type">Its type, when known.</param>
    /// <returns>The filter.</returns>
    public static EntityFilter ById(string id, string? type = null) => new(Id: id, Type: type);

    /// <summary>Entities whose id matches a pattern.</summary>
    /// <param name="idPattern">The regular expression.</param>
    /// <param name="type">A type, optional in NGSI-v2.</param>
    /// <returns>The filter.</returns>
    public static EntityFilter ByPattern(string idPattern, string? type = null) => new(IdPattern: idPattern, Type: type);
}
