using NgsiFlow.Engine;

namespace NgsiFlow.Connector;

/// <summary>
/// An engine sink that writes each result back through an <see cref="NgsiReplier"/> call and completes a batch only
/// when the broker confirmed every write of it, so the engine acknowledges nothing unconfirmed. The writes of one batch
/// are issued together, which lets a replier with a batch window coalesce them into batch requests.
/// </summary>
/// <typeparam name="T">The stream's result type.</typeparam>
/// <example><code>results.To(new ReplierSink&lt;Result&gt;((r, ct) =&gt; replier.AppendAttributesAsync(r.Event, r.Attributes, ct)));</code></example>
public sealed class ReplierSink<T> : IStreamSink<T>
{
    private readonly Func<T, CancellationToken, Task> _write;

    /// <summary>Creates the sink.</summary>
    /// <param name="write">The write-back of one result, typically a call on an <see cref="NgsiReplier"/>.</param>
    public ReplierSink(Func<T, CancellationToken, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        _write = write;
    }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(ReadOnlyMemory<T> batch, CancellationToken cancellationToken)
    {
        var tasks = new Task[batch.Length];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = _write(batch.Span[i], cancellationToken);
        }

        // WhenAll faults with the first failure after every write settled: the others are confirmed or dead-lettered.
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => default;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => default;
}
