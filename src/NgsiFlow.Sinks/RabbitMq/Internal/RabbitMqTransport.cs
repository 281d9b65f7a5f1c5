using NgsiFlow.Sinks.Internal;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace NgsiFlow.Sinks.RabbitMq.Internal;

/// <summary>
/// Publishes a batch on one channel with publisher confirms, all messages in flight at once, and completes when
/// the broker confirmed every one. A retry republishes only the messages not yet confirmed.
/// </summary>
internal sealed class RabbitMqTransport : SinkTransport<RabbitMqMessage>
{
    private readonly RabbitMqSinkOptions _options;
    private readonly ConnectionFactory _factory;
    private IConnection? _connection;
    private IChannel? _channel;

    public RabbitMqTransport(RabbitMqSinkOptions options, string name)
    {
        _options = options;
        _factory = new ConnectionFactory
        {
            Uri = options.Uri!,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            ClientProvidedName = options.ClientProvidedName ?? $"ngsiflow-sink-{name}",
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
        };
        var key = options.RoutingKey is null ? "per-message routing keys" : $"routing key '{options.RoutingKey}'";
        Target = $"exchange '{options.Exchange}' ({key}) at {options.Uri!.Host}:{options.Uri.Port}{options.Uri.AbsolutePath}";
    }

    public override string SinkType => "RabbitMQ";

    public override string MetricType => "rabbitmq";

    public override string Target { get; }

    public override async ValueTask WriteAsync(OutgoingBatch<RabbitMqMessage> batch, CancellationToken cancellationToken)
    {
        var records = batch.Records;
        var acknowledged = batch.Acknowledged ??= new bool[records.Count];
        IChannel channel;
        try
        {
            channel = await OpenChannelAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ResetAsync().ConfigureAwait(false);
            throw;
        }

        // At most MaxOutstandingConfirms publishes await their confirm at once; the oldest is awaited first, so a
        // window of in-flight messages slides over the batch without the client library's throttling delays.
        var inFlight = new Queue<(int Index, Task Publish)>();
        Exception? firstError = null;
        var unroutable = new List<int>();
        async Task SettleOldestAsync()
        {
            var (index, publish) = inFlight.Dequeue();
            try
            {
                await publish.ConfigureAwait(false);
                acknowledged[index] = true;
            }
            catch (PublishException exception) when (exception.IsReturn)
            {
                unroutable.Add(index);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                firstError ??= exception;
            }
        }

        for (var i = 0; i < records.Count && firstError is null; i++)
        {
            if (acknowledged[i])
            {
                continue;
            }

            var message = records[i];
            var properties = new BasicProperties
            {
                Persistent = _options.Persistent,
                ContentType = message.ContentType ?? _options.ContentType,
                MessageId = message.MessageId,
            };
            if (message.Headers is { Count: > 0 } headers)
            {
                properties.Headers = new Dictionary<string, object?>(headers);
            }

            if (inFlight.Count >= _options.MaxOutstandingConfirms)
            {
                await SettleOldestAsync().ConfigureAwait(false);
            }

            inFlight.Enqueue((i, PublishAsync(channel, message, properties, cancellationToken)));
        }

        while (inFlight.Count > 0)
        {
            await SettleOldestAsync().ConfigureAwait(false);
        }

        if (unroutable.Count > 0)
        {
            var first = records[unroutable[0]];
            throw new RabbitMqUnroutableException(
                $"{unroutable.Count} message(s) returned as unroutable (mandatory flag): no queue is bound to exchange "
                + $"'{first.Exchange ?? _options.Exchange}' for routing key '{first.RoutingKey ?? _options.RoutingKey}' (first: message {unroutable[0]} of the batch)");
        }

        if (firstError is not null)
        {
            await ResetAsync().ConfigureAwait(false);
            throw firstError;
        }
    }

    public override bool IsTransient(Exception exception) => RabbitMqErrors.IsTransient(exception);

    public override string Describe(Exception exception) => RabbitMqErrors.Describe(exception);

    public override ValueTask DisposeAsync() => new(ResetAsync());

    private Task PublishAsync(IChannel channel, RabbitMqMessage message, BasicProperties properties, CancellationToken cancellationToken)
    {
        var routingKey = message.RoutingKey ?? _options.RoutingKey
            ?? throw new ArgumentException("The message names no routing key and the sink has no RoutingKey option.", nameof(message));
        return channel.BasicPublishAsync(message.Exchange ?? _options.Exchange, routingKey, _options.Mandatory, properties, message.Body, cancellationToken).AsTask();
    }

    private async Task<IChannel> OpenChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open && _connection is { IsOpen: true })
        {
            return open;
        }

        await ResetAsync().ConfigureAwait(false);
        _connection = await _factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: null),
            cancellationToken).ConfigureAwait(false);
        return _channel;
    }

    private async Task ResetAsync()
    {
        var channel = _channel;
        var connection = _connection;
        _channel = null;
        _connection = null;
        if (channel is not null)
        {
            await CloseQuietlyAsync(channel.DisposeAsync).ConfigureAwait(false);
        }

        if (connection is not null)
        {
            await CloseQuietlyAsync(connection.DisposeAsync).ConfigureAwait(false);
        }
    }

    private static async Task CloseQuietlyAsync(Func<ValueTask> dispose)
    {
        try
        {
            await dispose().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException or ObjectDisposedException)
        {
            // The connection is already gone; there is nothing left to close.
        }
    }
}
