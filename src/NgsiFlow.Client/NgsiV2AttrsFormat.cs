namespace NgsiFlow.Client;

/// <summary>The <c>notification.attrsFormat</c> of an NGSI-v2 subscription.</summary>
public enum NgsiV2AttrsFormat
{
    /// <summary><c>normalized</c>: attributes with type, value and metadata.</summary>
    Normalized = 0,

    /// <summary><c>keyValues</c>: bare values.</summary>
    KeyValues,

    /// <summary><c>values</c>: arrays of values in <c>notification.attrs</c> order.</summary>
    Values,

    /// <summary><c>simplifiedNormalized</c>: one normalized entity, no envelope.</summary>
    SimplifiedNormalized,

    /// <summary><c>simplifiedKeyValues</c>: one keyValues entity, no envelope.</summary>
    SimplifiedKeyValues,

    /// <summary><c>legacy</c>: the NGSI-v1 notification format.</summary>
    Legacy,
}
