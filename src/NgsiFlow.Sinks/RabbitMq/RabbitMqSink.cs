using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.Internal;
using NgsiFlow.Sinks.RabbitMq.Internal;

namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>
/// Publishes stream events to RabbitMQ as persistent, mandatory messages on a channel with publisher confirms.
/// <see cref="WriteAsync"/> completes once the broker confirmed every message of the call; an unroutable message
/// fails the write with a <see cref="SinkWriteException"/> naming the exchange and routing key.
/// </summary>
/// <remarks>Delivery is at least once: a retry after a lost connection republishes the unconfirmed messages.</remarks>
/// <typeparam name="T">The stream's event type, mapped to messages by the delegate given at construction.</typeparam>
public sealed class RabbitMqSink<T> : IStreamSink<T>
{
    private readonly Action<T, List<RabbitMqMessage>> _map;
    private readonly BatchWriter<RabbitMqMessage> _writer;
    private readonly string _name;

    /// <summary>Creates a sink that maps each event to one message.</summary>
    /// <param name="options">The broker, exchange, routing key and batching; validated here.</param>
    /// <param name="map">Builds the message of an event (body, and optionally its own routing key and exchange).</param>
    /// <param name="logger">Receives retries and failures; none by default.</param>
    public RabbitMqSink(RabbitMqSinkOptions options, Func<T, RabbitMqMessage> map, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateOrThrow("RabbitMQ");
        _map = SinkMapping.One(map);
        _name = options.Name ?? "rabbitmq";
        var defaultKey = options.RoutingKey;
        if (defaultKey is null)
        {
            var inner = _map;
            _map = (item, messages) =>
            {
                inner(item, messages);
                if (messages[^1].RoutingKey is null)
                {
                    throw new ArgumentException("the message names no routing key and the sink's options have no RoutingKey");
                }
            };
        }

        _writer = new BatchWriter<RabbitMqMessage>(new RabbitMqTransport(options, _name), options, _name, logger ?? NullLogger.Instance);
    }

    /// <summary>The sink's name in errors, logs and metrics.</summary>
    public string Name => _name;

    /// <inheritdoc />
    public ValueTask WriteAsync(ReadOnlyMemory<T> batch, CancellationToken cancellationToken)
    {
        var messages = SinkMapping.Map(batch.Span, _map, "RabbitMQ", _name);
        return new ValueTask(_writer.EnqueueAsync(messages, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken cancellationToken) => new(_writer.FlushAsync(cancellationToken));

    /// <summary>Publishes what is still queued, then closes the channel and connection.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
