using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Connector;
using NgsiFlow.RabbitMq.Internal;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace NgsiFlow.RabbitMq;

/// <summary>
/// The receiver's target in distributed mode: publishes every accepted event to the job's consistent-hash exchange,
/// keyed by entity id (so all updates of an entity land in one partition queue, in order), and completes only once
/// RabbitMQ confirmed every publish, so the receiver answers 2xx only for events RabbitMQ owns.
/// </summary>
/// <example>
/// <code>
/// await using var target = await RabbitMqNotificationTarget.StartAsync(options, JobRegistry.Default.Get("running-sum"), ct);
/// await using var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 9100 }, ct);
/// receiver.AddJob("running-sum", target);
/// </code>
/// </example>
public sealed class RabbitMqNotificationTarget : INotificationTarget, IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly Channel<IChannel> _pool;
    private readonly List<IChannel> _channels;
    private readonly Func<NgsiEvent, string?>? _idempotencyKey;
    private readonly ILogger _logger;
    private long _published;
    private long _failed;
    private int _disposed;

    private RabbitMqNotificationTarget(IConnection connection, List<IChannel> channels, RabbitMqTopology topology, Func<NgsiEvent, string?>? idempotencyKey, ILogger logger)
    {
        _connection = connection;
        _channels = channels;
        _pool = Channel.CreateUnbounded<IChannel>();
        foreach (var channel in channels)
        {
            _pool.Writer.TryWrite(channel);
        }

        Topology = topology;
        _idempotencyKey = idempotencyKey;
        _logger = logger;
    }

    /// <summary>The job's exchange and queues.</summary>
    public RabbitMqTopology Topology { get; }

    /// <summary>Events RabbitMQ confirmed.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Events whose publish failed (the receiver answered 503 for their notification).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Connects, declares the job's topology and opens the publishing channels.</summary>
    /// <param name="options">Where RabbitMQ is; partitions.</param>
    /// <param name="job">The job (its name and idempotency key).</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>The target.</returns>
    /// <exception cref="RabbitMqUnreachableException">RabbitMQ cannot be reached (the message says where and why).</exception>
    public static Task<RabbitMqNotificationTarget> StartAsync(RabbitMqOptions options, DistributedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return StartAsync(options, job.Name, job.IdempotencyKey, cancellationToken);
    }

    /// <summary>Connects, declares the job's topology and opens the publishing channels.</summary>
    /// <param name="options">Where RabbitMQ is; partitions.</param>
    /// <param name="job">The job's name.</param>
    /// <param name="idempotencyKey">The job's idempotency key, written into each message; null for none.</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>The target.</returns>
    /// <exception cref="RabbitMqUnreachableException">RabbitMQ cannot be reached (the message says where and why).</exception>
    public static async Task<RabbitMqNotificationTarget> StartAsync(RabbitMqOptions options, string job, Func<NgsiEvent, string?>? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = await Connections.OpenAsync(options, "receiver", cancellationToken).ConfigureAwait(false);
        var channels = new List<IChannel>();
        try
        {
            var topology = new RabbitMqTopology(options.Prefix, job, options.Partitions);
            await using (var declare = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                await topology.DeclareAsync(declare, cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < options.PublishChannels; i++)
            {
                channels.Add(await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false));
            }

            var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NgsiFlow.RabbitMq.Receiver");
            RabbitMqLog.TargetStarted(logger, job, options.SafeUri, options.Partitions);
            return new RabbitMqNotificationTarget(connection, channels, topology, idempotencyKey, logger);
        }
        catch
        {
            foreach (var channel in channels)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask AcceptAsync(NotificationBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new TargetClosedException($"The RabbitMQ publisher of job '{Topology.Job}' is stopping.");
        }

        if (batch.Events.Count == 0)
        {
            return;
        }

        // Only waiting for a channel honours the hold time: once an event is on its way, the batch finishes, so that
        // a 503 never follows a partial acceptance that the caller could not see.
        var channel = await _pool.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var e in batch.Events)
            {
                var (properties, body) = EventCodec.Encode(e, _idempotencyKey?.Invoke(e));
                try
                {
                    await channel.BasicPublishAsync(Topology.Exchange, RoutingKey(e.EntityId), mandatory: true, properties, body, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Increment(ref _published);
                }
                catch (Exception ex) when (ex is PublishException or AlreadyClosedException or OperationInterruptedException or IOException)
                {
                    Interlocked.Increment(ref _failed);
                    RabbitMqLog.PublishFailed(_logger, Topology.Job, e.EntityId, ex.Message);
                    throw new TargetClosedException($"RabbitMQ did not confirm the event of entity '{e.EntityId}' for job '{Topology.Job}': {ex.Message}", ex);
                }
            }
        }
        finally
        {
            _pool.Writer.TryWrite(channel);
        }
    }

    /// <summary>The routing key of an entity: its id, or a hash of it when longer than AMQP allows (255 bytes).</summary>
    /// <param name="entityId">The entity id.</param>
    /// <returns>The routing key.</returns>
    public static string RoutingKey(string entityId)
    {
        ArgumentNullException.ThrowIfNull(entityId);
        return Encoding.UTF8.GetByteCount(entityId) <= 255 ? entityId : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(entityId)));
    }

    /// <summary>Closes the channels and the connection; publishes in flight fail (their notifications get 503).</summary>
    /// <returns>Completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var channel in _channels)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
