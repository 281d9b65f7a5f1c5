namespace NgsiFlow.Sinks.Internal;

/// <summary>The destination-specific half of a sink: sends one batch and tells transient failures from permanent ones.</summary>
/// <typeparam name="TRecord">What the destination stores (a point, a row, a message).</typeparam>
internal abstract class SinkTransport<TRecord> : IAsyncDisposable
{
    /// <summary>The kind of sink for messages (<c>InfluxDB</c>).</summary>
    public abstract string SinkType { get; }

    /// <summary>The metric tag value (<c>influxdb</c>).</summary>
    public abstract string MetricType { get; }

    /// <summary>The destination for messages: database, table, exchange...</summary>
    public abstract string Target { get; }

    /// <summary>
    /// Sends the batch; completes once the destination acknowledged all of it. Called again with the same
    /// <paramref name="batch"/> on a retry, so a transport can skip records already acknowledged.
    /// </summary>
    public abstract ValueTask WriteAsync(OutgoingBatch<TRecord> batch, CancellationToken cancellationToken);

    /// <summary>Whether retrying may help.</summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>The destination's explanation of <paramref name="exception"/>, for the error message.</summary>
    public virtual string Describe(Exception exception) => exception.Message;

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
