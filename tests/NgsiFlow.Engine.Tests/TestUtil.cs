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
