namespace NgsiFlow.Ngsi;

/// <summary>One NGSI-v2 metadata item of an attribute.</summary>
/// <param name="Name">Metadata name (e.g. <c>TimeInstant</c>, <c>unitCode</c>).</param>
/// <param name="Type">Metadata type (e.g. <c>DateTime</c>, <c>Text</c>).</param>
/// <param name="Value">Metadata value.</param>
public sealed record NgsiV2Metadata(string Name, string Type, NgsiValue Value);
