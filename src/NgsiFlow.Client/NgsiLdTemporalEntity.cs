namespace NgsiFlow.Client;

/// <summary>An entity in the NGSI-LD temporal representation: each attribute is a time series of instances.</summary>
/// <param name="Id">The entity id.</param>
/// <param name="Types">The entity types.</param>
/// <param name="Attributes">The attributes, in the order the broker sent them.</param>
public sealed record NgsiLdTemporalEntity(string Id, IReadOnlyList<string> Types, IReadOnlyList<NgsiLdTemporalAttribute> Attributes)
{
    /// <summary>The first type.</summary>
    public string Type => Types.Count > 0 ? Types[0] : string.Empty;

    /// <summary>The attribute of that name, or null.</summary>
    /// <param name="name">The attribute name.</param>
    public NgsiLdTemporalAttribute? Get(string name) => Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));
}
