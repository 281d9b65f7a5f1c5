using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.RabbitMq.Internal;
using RabbitMQ.Client;

namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>
/// Consumes a RabbitMQ queue with manual acknowledgements: positions are delivery tags,
/// <see cref="AcknowledgeAsync"/> sends <c>basic.ack</c>, <see cref="RejectAsync"/> sends <c>basic.nack</c> without
/// requeue (so the queue's dead-letter exchange, if any, receives the message). At most
/// <see cref="RabbitMqSourceOptions.Prefetch"/> messages are unacknowledged at once.
/// </summary>
/// <remarks>
/// Read it once at a time. After <see cref="ReadAsync"/> ends the channel stays open so that events in flight can
/// still be acknowledged; <see cref="DisposeAsync"/> closes it, and the broker redelivers whatever was not acknowledged.
/// </remarks>
/// <typeparam name="T">The event type the deserializer builds.</typeparam>
public sealed class RabbitMqQueueSource<T> : IStreamSource<T>, IAsyncDisposable
{
    private readonly RabbitMqQueueSourceOptions _options;
    private readonly RabbitMqConsumerCore<T> _core;

    /// <summary>Creates the source; it connects when read.</summary>
    /// <param name="options">The broker, queue, prefetch and dead-lettering; validated here.</param>
    /// <param name="deserialize">Builds an event from a delivery; throwing rejects (or stops on) the message.</param>
    /// <param name="logger">Receives rejections; none by default.</param>
    public RabbitMqQueueSource(RabbitMqQueueSourceOptions options, Func<RabbitMqDelivery, T> deserialize, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(deserialize);
        options.ValidateOrThrow("queue");
        _options = options;
        _core = new RabbitMqConsumerCore<T>(options, "rabbitmq-queue", deserialize, logger ?? NullLogger.Instance);
    }

    /// <inheritdoc />
    public string Name => _core.Name;

    /// <inheritdoc />
    public async IAsyncEnumerable<SourceItem<T>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (value, tag, _) in _core.ReadAsync(DeclareAsync, null, cancellationToken).ConfigureAwait(false))
        {
            yield return new SourceItem<T>(value, (long)tag);
        }
    }

    /// <inheritdoc />
    public ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken) => new(_core.AckAsync((ulong)position, cancellationToken));

    /// <inheritdoc />
    public async ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        await _core.NackAsync((ulong)position, requeue: false, cancellationToken).ConfigureAwait(false);
        _core.Rejected(position, error.Message);
    }

    /// <summary>Closes the channel and connection; unacknowledged messages go back to the queue.</summary>
    public ValueTask DisposeAsync() => _core.DisposeAsync();

    private async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        if (!_options.DeclareQueue)
        {
            return;
        }

        Dictionary<string, object?>? arguments = null;
        if (_options.DeadLetterExchange is { } deadLetters)
        {
            await channel.ExchangeDeclareAsync(deadLetters, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            arguments = new() { ["x-dead-letter-exchange"] = deadLetters };
            if (_options.DeadLetterQueue is { } deadQueue)
            {
                await channel.QueueDeclareAsync(deadQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                await channel.QueueBindAsync(deadQueue, deadLetters, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        await channel.QueueDeclareAsync(_options.Queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
