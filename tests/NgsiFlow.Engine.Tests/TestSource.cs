using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

/// <summary>An acknowledged source fed by the test, recording acknowledgements and rejections.</summary>
internal sealed class TestSource<T> : IStreamSource<T>
{
    private readonly Channel<SourceItem<T>> _items = Channel.CreateUnbounded<SourceItem<T>>();
    private readonly ConcurrentQueue<long> _acknowledged = new();
    private readonly ConcurrentDictionary<long, Exception> _rejected = new();

    public string Name => "test-source";

    /// <summary>Called at each acknowledgement, before it is recorded (to check what was written by then).</summary>
    public Action<long>? OnAcknowledge { get; set; }

    public IReadOnlyList<long> Acknowledged => [.. _acknowledged];

    public IReadOnlyDictionary<long, Exception> Rejected => _rejected;

    public void Add(T value, long position) => _items.Writer.TryWrite(new SourceItem<T>(value, position));

    public void Complete() => _items.Writer.TryComplete();

    /// <summary>Waits until the job has read everything added, then until it is idle.</summary>
    public async Task SettleAsync(StreamJob job)
    {
        while (_items.Reader.Count > 0)
        {
            await Task.Delay(1);
        }

        await job.WhenIdleAsync(TestJobs.Token());
    }

    public async IAsyncEnumerable<SourceItem<T>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _items.Reader.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }

    public ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken)
    {
        OnAcknowledge?.Invoke(position);
        _acknowledged.Enqueue(position);
        return default;
    }

    public ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken)
    {
        _rejected[position] = error;
        return default;
    }
}
