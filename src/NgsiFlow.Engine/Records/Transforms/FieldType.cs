namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>The types <see cref="Cast"/> converts a field to.</summary>
public enum FieldType
{
    /// <summary>Text (<see cref="string"/>); numbers and booleans as JSON writes them, times in ISO 8601.</summary>
    Text,

    /// <summary>A whole number (<see cref="long"/>).</summary>
    Integer,

    /// <summary>A number (<see cref="double"/>).</summary>
    Number,

    /// <summary>A boolean: true/false, yes/no, on/off, 1/0 (any case).</summary>
    Boolean,

    /// <summary>A time (<see cref="DateTimeOffset"/>): ISO 8601, a .NET format, or <c>unix</c>/<c>unixMs</c> seconds/milliseconds.</summary>
    Timestamp,
}
