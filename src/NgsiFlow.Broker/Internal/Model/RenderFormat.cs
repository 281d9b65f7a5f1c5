namespace NgsiFlow.Broker.Internal.Model;

/// <summary>Entity representations of responses and notifications.</summary>
internal enum RenderFormat
{
    Normalized,
    KeyValues,
    Values,
    Unique,
}
