using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>One attribute's time series in the NGSI-LD temporal representation.</summary>
/// <param name="Name">The attribute name.</param>
/// <param name="Kind">The attribute type as sent: <c>Property</c>, <c>Relationship</c>, <c>GeoProperty</c>...</param>
/// <param name="Instances">The instances, each an attribute with its value and <c>observedAt</c> (and, in the normalized form, sub-attributes).</param>
public sealed record NgsiLdTemporalAttribute(string Name, string Kind, IReadOnlyList<NgsiLdAttribute> Instances)
{
    /// <summary>The (time, value) pairs of the series, in the order sent. Time is <c>observedAt</c>, else <c>modifiedAt</c>/<c>createdAt</c>.</summary>
    public IEnumerable<NgsiLdTemporalValue> Values =>
        Instances.Select(i => new NgsiLdTemporalValue(i.ObservedAt ?? i.ModifiedAt ?? i.CreatedAt, i.MainValue));
}
