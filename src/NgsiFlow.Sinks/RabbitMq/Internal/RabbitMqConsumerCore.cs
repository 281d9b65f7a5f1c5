using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NgsiFlow.Sinks.Internal;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace NgsiFlow.Sinks.RabbitMq.Internal;

/// <summary>
/// A manual-ack consumer shared by the queue and stream sources: deserializes inside the delivery callback (the
/// body is only valid there), buffers at most the prefetch count, and turns a lost channel into an error.
/// </summary>
internal sealed class RabbitMqConsumerCore<T> : IAsyncDisposable
{
    private readonly RabbitMqSourceOptions _options;
    private readonly Func<RabbitMqDelivery, T> _deserialize;
    private readonly ILogger _logger;
    private readonly SinkInstruments _instruments;
    private readonly SemaphoreSlim _channelGate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;
    private readonly bool _isStream;
    private int _reading;

    public RabbitMqConsumerCore(RabbitMqSourceOptions options, string metricType, Func<RabbitMqDelivery, T> deserialize, ILogger logger, bool isStream = false)
    {
        _isStream = isStream;
        _options = options;
        _deserialize = deserialize;
        _logger = logger;
        Name = options.Name ?? options.Queue;
        _instruments = SinkInstruments.ForSource(Name, metricType);
    }

    public string Name { get; }

    /// <summary>Connects, declares what the caller needs, consumes, and yields (value, delivery tag, delivery).</summary>
    public async IAsyncEnumerable<(T Value, ulong DeliveryTag, IReadOnlyBasicProperties Properties)> ReadAsync(
        Func<IChannel, CancellationToken, Task> declare,
        IDictionary<string, object?>? consumeArguments,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException($"RabbitMQ source '{Name}' is already being read; read it once at a time.");
        }

        var buffer = Channel.CreateBounded<(T, ulong, IReadOnlyBasicProperties)>(new BoundedChannelOptions(_options.Prefetch) { SingleReader = true });
        string? consumerTag = null;
        var stopping = false;
        using var stop = new CancellationTokenSource();
        try
        {
            var channel = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await declare(channel, cancellationToken).ConfigureAwait(false);
            await channel.BasicQosAsync(0, _options.Prefetch, global: false, cancellationToken).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                T value;
                try
                {
                    value = _deserialize(new RabbitMqDelivery(delivery.Body, delivery.Exchange, delivery.RoutingKey, delivery.Redelivered,
                        delivery.BasicProperties.ContentType, delivery.BasicProperties.MessageId, delivery.BasicProperties.Headers));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    await BadMessageAsync(buffer.Writer, delivery, exception).ConfigureAwait(false);
                    return;
                }

                // Waiting here holds the broker back (queues stop at the prefetch count; streams deliver whole chunks).
                try
                {
                    await buffer.Writer.WriteAsync((value, delivery.DeliveryTag, delivery.BasicProperties), stop.Token).ConfigureAwait(false);
                    _instruments.Read();
                }
                catch (Exception exception) when (exception is ChannelClosedException or OperationCanceledException)
                {
                    if (!_isStream && _channel is { IsOpen: true })
                    {
                        await NackAsync(delivery.DeliveryTag, requeue: true, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            };
            channel.ChannelShutdownAsync += (_, reason) =>
            {
                if (!Volatile.Read(ref stopping))
                {
                    buffer.Writer.TryComplete(new SourceReadException(Name,
                        $"RabbitMQ source '{Name}' lost its channel to queue '{_options.Queue}': {reason.ReplyCode} {reason.ReplyText}. Unacknowledged messages will be redelivered.", reason.Exception));
                }

                return Task.CompletedTask;
            };
            consumerTag = await channel.BasicConsumeAsync(_options.Queue, autoAck: false, consumerTag: string.Empty, noLocal: false, exclusive: false, consumeArguments, consumer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not SourceReadException)
        {
            throw new SourceReadException(Name, $"RabbitMQ source '{Name}' could not consume queue '{_options.Queue}' at {_options.Uri!.Host}:{_options.Uri.Port}: {RabbitMqErrors.Describe(exception)}", exception);
        }

        try
        {
            await foreach (var item in buffer.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            Volatile.Write(ref stopping, true);
            await stop.CancelAsync().ConfigureAwait(false);
            if (consumerTag is not null && _channel is { IsOpen: true } channel)
            {
                try
                {
                    // Stop deliveries but keep the channel: the engine may still acknowledge what it holds.
                    await channel.BasicCancelAsync(consumerTag, noWait: false, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is OperationInterruptedException or IOException)
                {
                    // The channel went away meanwhile; the broker requeues unacknowledged messages.
                }
            }

            Volatile.Write(ref _reading, 0);
        }
    }

    public async Task AckAsync(ulong deliveryTag, CancellationToken cancellationToken)
    {
        var channel = OpenChannel();
        await _channelGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.BasicAckAsync(deliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _channelGate.Release();
        }
    }

    public async Task NackAsync(ulong deliveryTag, bool requeue, CancellationToken cancellationToken)
    {
        var channel = OpenChannel();
        await _channelGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.BasicNackAsync(deliveryTag, multiple: false, requeue, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _channelGate.Release();
        }
    }

    public void Rejected(long position, string reason)
    {
        _instruments.Rejected();
        SinkLog.SourceRejected(_logger, Name, position, reason);
    }

    public async ValueTask DisposeAsync()
    {
        var channel = _channel;
        var connection = _connection;
        _channel = null;
        _connection = null;
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationInterruptedException or IOException)
        {
            // Already closed by the broker.
        }

        _channelGate.Dispose();
    }

    private IChannel OpenChannel() => _channel is { IsOpen: true } channel
        ? channel
        : throw new InvalidOperationException($"RabbitMQ source '{Name}' has no open channel{(_channel?.CloseReason is { } reason ? $" (closed: {reason.ReplyCode} {reason.ReplyText})" : string.Empty)}: the delivery can no longer be settled and the broker will redeliver it.");

    private async Task<IChannel> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        var factory = new ConnectionFactory
        {
            Uri = _options.Uri!,
            AutomaticRecoveryEnabled = false,
            ClientProvidedName = _options.ClientProvidedName ?? $"ngsiflow-source-{Name}",
        };
        _connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return _channel;
    }

    private async Task BadMessageAsync(ChannelWriter<(T, ulong, IReadOnlyBasicProperties)> buffer, BasicDeliverEventArgs delivery, Exception exception)
    {
        var reason = $"message {delivery.DeliveryTag} (routing key '{delivery.RoutingKey}') could not be deserialized: {exception.Message}";
        if (_options.OnBadRecord == BadRecordHandling.Reject)
        {
            // A stream keeps every message whatever its consumers say; an ack there only returns prefetch credit.
            if (_isStream)
            {
                await AckAsync(delivery.DeliveryTag, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await NackAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None).ConfigureAwait(false);
            }

            Rejected((long)delivery.DeliveryTag, reason);
            return;
        }

        if (!_isStream)
        {
            await NackAsync(delivery.DeliveryTag, requeue: true, CancellationToken.None).ConfigureAwait(false);
        }

        buffer.TryComplete(new SourceReadException(Name, $"RabbitMQ source '{Name}' stopped on queue '{_options.Queue}': {reason}", exception));
    }
}
