namespace NgsiFlow.Ngsi;

/// <summary>One member (name and value) of a JSON object held in an <see cref="NgsiValue"/>.</summary>
/// <param name="Name">The member name.</param>
/// <param name="Value">The member value.</param>
public readonly record struct NgsiMember(string Name, NgsiValue Value);
