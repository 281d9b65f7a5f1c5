namespace NgsiFlow.Engine.Operators.Window;

/// <summary>The serialized state of a window operator for one key partition.</summary>
internal sealed class WindowStateSegment<TKey, TAcc>
{
    public long Watermark { get; set; }

    public List<WindowStateEntry<TKey, TAcc>> Entries { get; set; } = [];
}

/// <summary>One open (or kept) window of one key.</summary>
internal sealed class WindowStateEntry<TKey, TAcc>
{
    public TKey Key { get; set; } = default!;

    public long Start { get; set; }

    public long End { get; set; }

    public TAcc Accumulator { get; set; } = default!;

    public bool Fired { get; set; }
}
