namespace NgsiFlow.Engine;

/// <summary>
/// An input of a stream job whose events must be acknowledged once processed (a RabbitMQ queue, a file being
/// replayed with a checkpoint...). Inputs that need no acknowledgement can be plain channels or async sequences.
/// </summary>
/// <typeparam name="T">The type of the events the source produces.</typeparam>
public interface IStreamSource<T>
{
    /// <summary>A name for logs and metrics.</summary>
    string Name { get; }

    /// <summary>Reads events until the source ends or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    IAsyncEnumerable<SourceItem<T>> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called by the engine once every result derived from the event at <paramref name="position"/> has been
    /// written by the job's sinks (or the event was filtered out). May be called out of position order.
    /// </summary>
    /// <param name="position">The <see cref="SourceItem{T}.Position"/> of the event.</param>
    /// <param name="cancellationToken">Cancels the acknowledgement.</param>
    ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken);

    /// <summary>
    /// Acknowledges several events at once (those of one chunk, in read order). The default calls
    /// <see cref="AcknowledgeAsync"/> for each; sources that can acknowledge in bulk override it.
    /// </summary>
    /// <param name="positions">The positions of the events.</param>
    /// <param name="cancellationToken">Cancels the acknowledgement.</param>
    async ValueTask AcknowledgeManyAsync(ReadOnlyMemory<long> positions, CancellationToken cancellationToken)
    {
        for (var i = 0; i < positions.Length; i++)
        {
            await AcknowledgeAsync(positions.Span[i], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Called when processing the event failed for good (after the stage's error policy gave up).</summary>
    /// <param name="position">The <see cref="SourceItem{T}.Position"/> of the event.</param>
    /// <param name="error">Why processing failed.</param>
    /// <param name="cancellationToken">Cancels the rejection.</param>
    ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken);
}

/// <summary>An event read from an <see cref="IStreamSource{T}"/>, with the position used to acknowledge it.</summary>
/// <typeparam name="T">The type of the event.</typeparam>
/// <param name="Value">The event.</param>
/// <param name="Position">The source's handle for acknowledging the event (a delivery tag, an offset...).</param>
public readonly record struct SourceItem<T>(T Value, long Position);
