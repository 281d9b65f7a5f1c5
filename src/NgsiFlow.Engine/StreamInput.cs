using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine;

/// <summary>
/// A bounded input of a job that code in the same process writes into (the connector's receiver, a test, a
/// benchmark), and the stream of its events. <see cref="WriteAsync"/> completes once the job has accepted the event
/// and waits while <see cref="Capacity"/> accepted events are still waiting (back-pressure): a caller that must not
/// wait forever passes a token that it cancels after its own timeout (and answers 503, for instance).
/// </summary>
/// <typeparam name="T">The type of the events.</typeparam>
public sealed class StreamInput<T> : Stream<T>
{
    private readonly InputBuffer<T> _buffer;

    internal StreamInput(StreamJob job, string name, InputBuffer<T> buffer)
        : base(job, name) => _buffer = buffer;

    /// <summary>How many accepted events may wait for the job before writers wait.</summary>
    public int Capacity => _buffer.Capacity;

    /// <summary>How many accepted events wait for the job now.</summary>
    public int Count => _buffer.Queued;

    /// <summary>Whether <see cref="Complete"/> was called (or the job stopped).</summary>
    public bool IsCompleted => _buffer.IsCompleted;

    /// <summary>Accepts an event, waiting while the input is full.</summary>
    /// <param name="item">The event.</param>
    /// <param name="cancellationToken">Stops waiting; the event is then not accepted.</param>
    /// <returns>Completes when the event is accepted: the job will process it, and a graceful stop drains it.</returns>
    /// <exception cref="InvalidOperationException">The input is completed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the event was accepted.</exception>
    public ValueTask WriteAsync(T item, CancellationToken cancellationToken) => _buffer.WriteAsync(item, 0, cancellationToken);

    /// <summary>Accepts an event if there is room now.</summary>
    /// <param name="item">The event.</param>
    /// <returns>True when accepted; false when the input is full or completed.</returns>
    public bool TryWrite(T item) => _buffer.TryWrite(item);

    /// <summary>Accepts several events, waiting for room as needed.</summary>
    /// <param name="items">The events, in order.</param>
    /// <param name="cancellationToken">Stops waiting; events before the one waiting are accepted.</param>
    /// <returns>Completes when every event is accepted.</returns>
    public async ValueTask WriteManyAsync(IEnumerable<T> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            await _buffer.WriteAsync(item, 0, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Accepts all the events at once, or none of them: waits until they all fit (a batch larger than
    /// <see cref="Capacity"/> waits until the input is empty). For the receiver of a notification carrying several
    /// entities, so that a timeout (and a 503 answer) never leaves half of the notification accepted.
    /// </summary>
    /// <param name="items">The events, in order.</param>
    /// <param name="cancellationToken">Stops waiting; then no event was accepted.</param>
    /// <returns>Completes when all the events are accepted.</returns>
    /// <exception cref="InvalidOperationException">The input is completed.</exception>
    public ValueTask WriteAllAsync(ReadOnlyMemory<T> items, CancellationToken cancellationToken) => _buffer.WriteAllAsync(items, cancellationToken);

    /// <summary>Waits until the input has room.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when there is room; false when the input is completed.</returns>
    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) => _buffer.WaitToWriteAsync(cancellationToken);

    /// <summary>Ends the input: no more events; the job processes what was accepted. The job completes when all its inputs ended.</summary>
    public void Complete() => _buffer.Complete();
}
