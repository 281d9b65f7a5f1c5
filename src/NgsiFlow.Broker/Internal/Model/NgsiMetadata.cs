namespace NgsiFlow.Broker.Internal.Model;

/// <summary>One metadata element of an attribute.</summary>
internal sealed class NgsiMetadata(string type, object? value)
{
    public string Type { get; } = type;

    public object? Value { get; } = value;
}
