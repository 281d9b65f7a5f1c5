namespace NgsiFlow.Ngsi;

/// <summary>How NGSI-v2 entities and attributes are written or read.</summary>
public enum NgsiV2Representation
{
    /// <summary>Attributes as objects with type, value and metadata.</summary>
    Normalized = 0,

    /// <summary>Attributes as bare values (<c>options=keyValues</c>).</summary>
    KeyValues,
}
