namespace NgsiFlow.Engine;

/// <summary>
/// A destination that a stream writes its events to, in batches (InfluxDB, PostgreSQL, RabbitMQ, a broker...).
/// </summary>
/// <remarks>
/// A sink acknowledges by completing <see cref="WriteAsync"/>: the returned task completes only once the
/// destination has accepted the whole batch, so that the engine can acknowledge the events to their source.
/// Transient failures may be retried inside the sink; a failure that the sink gives up on is thrown.
/// </remarks>
/// <typeparam name="T">The type of the events the sink writes.</typeparam>
public interface IStreamSink<T> : IAsyncDisposable
{
    /// <summary>Writes a batch; completes when the destination has acknowledged every event of it.</summary>
    /// <param name="batch">The events, in stream order. The memory is only valid until the task completes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask WriteAsync(ReadOnlyMemory<T> batch, CancellationToken cancellationToken);

    /// <summary>Writes whatever the sink still buffers; called before a graceful stop.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
