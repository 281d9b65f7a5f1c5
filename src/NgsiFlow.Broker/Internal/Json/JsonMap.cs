namespace NgsiFlow.Broker.Internal.Json;

/// <summary>A JSON object that keeps its members in document order (Orion renders them in that order).</summary>
internal sealed class JsonMap : List<KeyValuePair<string, object?>>
{
    public JsonMap()
    {
    }

    public JsonMap(int capacity)
        : base(capacity)
    {
    }

    public bool TryGet(string name, out object? value)
    {
        foreach (var pair in this)
        {
            if (string.Equals(pair.Key, name, StringComparison.Ordinal))
            {
                value = pair.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public void Set(string name, object? value)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(this[i].Key, name, StringComparison.Ordinal))
            {
                this[i] = new(name, value);
                return;
            }
        }

        Add(new(name, value));
    }
}
