namespace NgsiFlow.Ngsi;

/// <summary>How NGSI-LD entities and attributes are written or read.</summary>
public enum NgsiLdRepresentation
{
    /// <summary>Every attribute as an object with its <c>type</c>.</summary>
    Normalized = 0,

    /// <summary>Concise: no redundant <c>type</c>, bare values where nothing else is carried.</summary>
    Concise,

    /// <summary>Simplified (keyValues): values only.</summary>
    Simplified,
}
