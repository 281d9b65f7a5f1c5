namespace NgsiFlow.Ngsi;

/// <summary>The notification formats brokers send.</summary>
public enum NotificationFormat
{
    /// <summary>Not known yet: detect it from the headers and the body.</summary>
    Auto = 0,

    /// <summary>NGSI-v2 <c>normalized</c>: attributes as objects with type, value and metadata.</summary>
    V2Normalized,

    /// <summary>NGSI-v2 <c>keyValues</c>: attributes as bare values.</summary>
    V2KeyValues,

    /// <summary>NGSI-v2 <c>values</c>: each entity as an array of values in the subscription's attribute order.</summary>
    V2Values,

    /// <summary>Orion's <c>simplifiedNormalized</c>: one normalized entity, no envelope.</summary>
    V2SimplifiedNormalized,

    /// <summary>Orion's <c>simplifiedKeyValues</c>: one keyValues entity, no envelope.</summary>
    V2SimplifiedKeyValues,

    /// <summary>A custom (<c>httpCustom</c>) notification: passed through raw.</summary>
    V2Custom,

    /// <summary>NGSI-LD normalized.</summary>
    LdNormalized,

    /// <summary>NGSI-LD concise.</summary>
    LdConcise,

    /// <summary>NGSI-LD simplified (keyValues).</summary>
    LdSimplified,
}
