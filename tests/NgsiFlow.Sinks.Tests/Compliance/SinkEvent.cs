namespace NgsiFlow.Sinks.Tests.Compliance;

/// <summary>The event every sink of the compliance suite writes: a sequence number shows the order it arrives in.</summary>
public sealed record SinkEvent(int Sequence, string Key, double Value)
{
    /// <summary>A fixed origin, so that timestamps derived from sequence numbers are reproducible.</summary>
    public static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Time => Origin.AddMilliseconds(Sequence);

    public static SinkEvent[] Range(int start, int count) =>
        Enumerable.Range(start, count).Select(i => new SinkEvent(i, $"k{i % 7}", i * 0.5)).ToArray();
}
