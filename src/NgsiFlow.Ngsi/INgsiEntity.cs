namespace NgsiFlow.Ngsi;

/// <summary>
/// What NGSI-v2 and NGSI-LD entities have in common for code that only needs values (ML features, sinks):
/// id, type and the main value of each attribute by name.
/// </summary>
public interface INgsiEntity
{
    /// <summary>The entity id (empty for the v2 <c>values</c> format, which carries none).</summary>
    string Id { get; }

    /// <summary>The entity type (the first one for an NGSI-LD entity with several).</summary>
    string Type { get; }

    /// <summary>Names of the attributes, in the order they arrived.</summary>
    IEnumerable<string> AttributeNames { get; }

    /// <summary>
    /// The main value of an attribute: its value (v2, LD Property, GeoProperty), its object (LD Relationship),
    /// its language map, vocab or list (other LD kinds).
    /// </summary>
    /// <param name="attributeName">The attribute name.</param>
    /// <param name="value">The value, or JSON null.</param>
    bool TryGetValue(string attributeName, out NgsiValue value);
}
