namespace NgsiFlow.Engine;

/// <summary>The kinds of windows.</summary>
public enum WindowKind
{
    /// <summary>Fixed, back-to-back windows [k·size, (k+1)·size).</summary>
    Tumbling,

    /// <summary>Fixed windows of a size starting every slide (overlapping when slide &lt; size).</summary>
    Sliding,

    /// <summary>Per key, events closer than a gap form one window [first, last + gap).</summary>
    Session,
}

/// <summary>Which clock windows follow.</summary>
public enum TimeDomain
{
    /// <summary>The time carried by the events (declared with <c>WithEventTime</c>), closed by watermarks.</summary>
    EventTime,

    /// <summary>The job's clock when an event reaches the window, closed by the clock's ticks.</summary>
    ProcessingTime,
}

/// <summary>The shape of a window: <see cref="Tumbling"/>, <see cref="Sliding"/> or <see cref="Session"/>. Tumbling and sliding
/// windows are aligned to the Unix epoch, so a 5 s window starts at a multiple of 5 s.</summary>
public sealed class WindowSpec
{
    internal WindowSpec(WindowKind kind, TimeSpan size, TimeSpan slide)
    {
        Kind = kind;
        Size = size;
        Slide = slide;
    }

    /// <summary>The kind.</summary>
    public WindowKind Kind { get; }

    /// <summary>The length of a tumbling or sliding window; the gap of a session window.</summary>
    public TimeSpan Size { get; }

    /// <summary>How often a sliding window starts (equal to <see cref="Size"/> for tumbling windows).</summary>
    public TimeSpan Slide { get; }

    /// <summary>Back-to-back windows of <paramref name="size"/>.</summary>
    /// <param name="size">The window length, positive.</param>
    /// <returns>The window shape.</returns>
    public static WindowSpec Tumbling(TimeSpan size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(size, TimeSpan.Zero);
        return new WindowSpec(WindowKind.Tumbling, size, size);
    }

    /// <summary>Windows of <paramref name="size"/> starting every <paramref name="slide"/>; an event belongs to size/slide windows.</summary>
    /// <param name="size">The window length, positive.</param>
    /// <param name="slide">The distance between window starts, positive and not above <paramref name="size"/>.</param>
    /// <returns>The window shape.</returns>
    public static WindowSpec Sliding(TimeSpan size, TimeSpan slide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(size, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(slide, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slide, size);
        return new WindowSpec(WindowKind.Sliding, size, slide);
    }

    /// <summary>Session windows: a key's events less than <paramref name="gap"/> apart share a window, which ends <paramref name="gap"/> after its last event.</summary>
    /// <param name="gap">The inactivity gap, positive.</param>
    /// <returns>The window shape.</returns>
    public static WindowSpec Session(TimeSpan gap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(gap, TimeSpan.Zero);
        return new WindowSpec(WindowKind.Session, gap, gap);
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        WindowKind.Tumbling => $"Tumbling({Size})",
        WindowKind.Sliding => $"Sliding({Size}, every {Slide})",
        _ => $"Session(gap {Size})",
    };
}


/// <summary>The result of an aggregate over one window of one key.</summary>
/// <typeparam name="TKey">The type of the key.</typeparam>
/// <typeparam name="TValue">The type of the result.</typeparam>
/// <param name="Key">The key.</param>
/// <param name="StartTicks">The window's start, in UTC ticks.</param>
/// <param name="EndTicks">The window's end (exclusive), in UTC ticks.</param>
/// <param name="Value">The aggregate's result.</param>
/// <param name="IsUpdate">True when a late event changed a window emitted before (<see cref="LatenessAction.ReemitUpdated"/>).</param>
public readonly record struct WindowResult<TKey, TValue>(TKey Key, long StartTicks, long EndTicks, TValue Value, bool IsUpdate)
{
    /// <summary>The window's start.</summary>
    public DateTimeOffset Start => new(StartTicks, TimeSpan.Zero);

    /// <summary>The window's end (exclusive).</summary>
    public DateTimeOffset End => new(EndTicks, TimeSpan.Zero);
}
