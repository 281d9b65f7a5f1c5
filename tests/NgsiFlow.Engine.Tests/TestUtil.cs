using System.Collections.Concurrent;
using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

/// <summary>Collects what a sink receives, thread-safe.</summary>
internal sealed class Collector<T>
{
    private readonly ConcurrentQueue<T> _items = new();

    public IReadOnlyList<T> Items => [.. _items];

    public int Count => _items.Count;

    public ValueTask Add(T item, CancellationToken cancellationToken)
    {
        _items.Enqueue(item);
        return default;
    }
}

internal static class TestJobs
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static CancellationToken Token() => new CancellationTokenSource(Timeout).Token;

    public static StreamJobOptions Manual(out ManualTimeProvider clock, int chunkSize = 4)
    {
        clock = new ManualTimeProvider();
        return new StreamJobOptions { TimeProvider = clock, ChunkSize = chunkSize, StageCapacity = 2, InputCapacity = 64 };
    }

    public static async Task WriteAllAsync<T>(this StreamInput<T> input, IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await input.WriteAsync(item, Token());
        }
    }

    public static async Task RunToEndAsync(this StreamJob job)
    {
        await job.StopAsync(Token()).WaitAsync(Timeout);
    }
}

/// <summary>A test event: a key, an event time in seconds after <see cref="Base"/>, and a value.</summary>
internal readonly record struct Ev(string Key, double Seconds, int Value = 1)
{
    public static readonly DateTimeOffset Base = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Time => Base.AddSeconds(Seconds);

    public static double SecondsOf(DateTimeOffset time) => (time - Base).TotalSeconds;
}

internal static class Settle
{
    /// <summary>Writes events one at a time, waiting until the job is idle after each, so that every event sees the
    /// watermark left by the previous ones (deterministic lateness).</summary>
    public static async Task WriteSettledAsync<T>(this StreamJob job, StreamInput<T> input, params T[] items)
    {
        foreach (var item in items)
        {
            await input.WriteAsync(item, TestJobs.Token());
            await job.WhenIdleAsync(TestJobs.Token());
        }
    }
}
