namespace NgsiFlow.Sinks.InfluxDb;

/// <summary>The four field types of InfluxDB 1.x line protocol.</summary>
public enum InfluxFieldKind
{
    /// <summary>A 64-bit float, written as is (<c>1.5</c>).</summary>
    Float,

    /// <summary>A signed 64-bit integer, written with the <c>i</c> suffix (<c>42i</c>).</summary>
    Integer,

    /// <summary>A string, written in double quotes with <c>"</c> and <c>\</c> escaped.</summary>
    String,

    /// <summary>A boolean, written as <c>true</c> or <c>false</c>.</summary>
    Boolean,
}
