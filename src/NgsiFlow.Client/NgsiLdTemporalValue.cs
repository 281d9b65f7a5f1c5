using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>One point of an attribute's time series.</summary>
/// <param name="At">When the value was observed, if known.</param>
/// <param name="Value">The value (a relationship's object id for relationships).</param>
public readonly record struct NgsiLdTemporalValue(DateTimeOffset? At, NgsiValue Value);
