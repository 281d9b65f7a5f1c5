using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.RabbitMq.Internal;
using RabbitMQ.Client;

namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>
/// Replays a RabbitMQ stream (a queue of type <c>stream</c>) over AMQP from a chosen offset: positions are stream
/// offsets, so a replay can resume from <see cref="Checkpoint"/>. Messages stay in the stream after they are
/// acknowledged; acknowledgements only free prefetch credit and advance the checkpoint, and rejections are recorded.
/// </summary>
/// <typeparam name="T">The event type the deserializer builds.</typeparam>
public sealed class RabbitMqStreamSource<T> : IStreamSource<T>, IAsyncDisposable
{
    private readonly RabbitMqStreamSourceOptions _options;
    private readonly RabbitMqConsumerCore<T> _core;
    private readonly ConcurrentDictionary<long, ulong> _tags = new();
    private readonly SortedSet<long> _outstanding = [];
    private long _lastDelivered = -1;

    /// <summary>Creates the source; it connects when read.</summary>
    /// <param name="options">The broker, stream, prefetch and start offset; validated here.</param>
    /// <param name="deserialize">Builds an event from a delivery; throwing rejects (or stops on) the message.</param>
    /// <param name="logger">Receives rejections; none by default.</param>
    public RabbitMqStreamSource(RabbitMqStreamSourceOptions options, Func<RabbitMqDelivery, T> deserialize, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(deserialize);
        options.ValidateOrThrow("stream");
        _options = options;
        _core = new RabbitMqConsumerCore<T>(options, "rabbitmq-stream", deserialize, logger ?? NullLogger.Instance, isStream: true);
    }

    /// <inheritdoc />
    public string Name => _core.Name;

    /// <summary>The last offset before the first delivered message not yet settled; -1 before any. Resume at +1.</summary>
    public long Checkpoint
    {
        get
        {
            lock (_outstanding)
            {
                return _outstanding.Count == 0 ? _lastDelivered : _outstanding.Min - 1;
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SourceItem<T>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var arguments = new Dictionary<string, object?> { ["x-stream-offset"] = _options.OffsetArgument };
        await foreach (var (value, tag, properties) in _core.ReadAsync(DeclareAsync, arguments, cancellationToken).ConfigureAwait(false))
        {
            var offset = properties.Headers is { } headers && headers.TryGetValue("x-stream-offset", out var header) && header is long o
                ? o
                : throw new SourceReadException(Name, $"RabbitMQ source '{Name}': the delivery from '{_options.Queue}' has no x-stream-offset header; is the queue a stream?", null);
            _tags[offset] = tag;
            lock (_outstanding)
            {
                _outstanding.Add(offset);
                _lastDelivered = Math.Max(_lastDelivered, offset);
            }

            yield return new SourceItem<T>(value, offset);
        }
    }

    /// <inheritdoc />
    public async ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken)
    {
        await _core.AckAsync(Settle(position), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);

        // A stream keeps its messages whatever the consumer says; acknowledging frees the credit, the log records why.
        await _core.AckAsync(Settle(position), cancellationToken).ConfigureAwait(false);
        _core.Rejected(position, error.Message);
    }

    /// <summary>Closes the channel and connection.</summary>
    public ValueTask DisposeAsync() => _core.DisposeAsync();

    private ulong Settle(long offset)
    {
        if (!_tags.TryRemove(offset, out var tag))
        {
            throw new ArgumentException($"RabbitMQ source '{Name}' has no unsettled message at offset {offset}.", nameof(offset));
        }

        lock (_outstanding)
        {
            _outstanding.Remove(offset);
        }

        return tag;
    }

    private async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        if (_options.DeclareStream)
        {
            await channel.QueueDeclareAsync(_options.Queue, durable: true, exclusive: false, autoDelete: false,
                new Dictionary<string, object?> { ["x-queue-type"] = "stream" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
