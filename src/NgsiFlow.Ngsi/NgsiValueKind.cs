namespace NgsiFlow.Ngsi;

/// <summary>The JSON kind of an <see cref="NgsiValue"/>.</summary>
public enum NgsiValueKind : byte
{
    /// <summary>JSON <c>null</c> (also the default value).</summary>
    Null = 0,

    /// <summary>JSON <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A JSON number, held as a <see cref="double"/>.</summary>
    Number,

    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>A JSON object; members keep their order.</summary>
    Object,
}
