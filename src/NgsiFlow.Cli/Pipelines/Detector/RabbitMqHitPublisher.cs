using NgsiFlow.Sinks.RabbitMq;

namespace NgsiFlow.Cli.Pipelines.Detector;

/// <summary>
/// Publishes records to the <c>data_raw</c> exchange, the partition chosen by orbit (all records of an orbit in one
/// partition), up to <c>linesPerMessage</c> CSV lines per message, with publisher confirms.
/// </summary>
internal sealed class RabbitMqHitPublisher : IAsyncDisposable
{
    private readonly DetectorTopology _topology;
    private readonly int _linesPerMessage;
    private readonly RabbitMqSink<RabbitMqMessage> _sink;
    private readonly List<DetectorHit>[] _buffers;
    private readonly List<RabbitMqMessage> _messages = [];

    /// <summary>Creates a publisher.</summary>
    /// <param name="uri">The RabbitMQ server.</param>
    /// <param name="topology">The topics (declared).</param>
    /// <param name="linesPerMessage">Records per message at most.</param>
    public RabbitMqHitPublisher(Uri uri, DetectorTopology topology, int linesPerMessage = 100)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentOutOfRangeException.ThrowIfLessThan(linesPerMessage, 1);
        _topology = topology;
        _linesPerMessage = linesPerMessage;
        _sink = new RabbitMqSink<RabbitMqMessage>(
            new RabbitMqSinkOptions { Uri = uri, Exchange = topology.Raw, ContentType = "text/csv", Name = topology.Raw + " producer" },
            m => m);
        _buffers = new List<DetectorHit>[topology.Partitions];
        for (var i = 0; i < _buffers.Length; i++)
        {
            _buffers[i] = new List<DetectorHit>(linesPerMessage);
        }
    }

    /// <summary>Messages published so far.</summary>
    public long Messages { get; private set; }

    /// <summary>Publishes records; completes when RabbitMQ confirmed every message.</summary>
    /// <param name="hits">The records.</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>Completes when confirmed.</returns>
    public async ValueTask PublishAsync(ReadOnlyMemory<DetectorHit> hits, CancellationToken cancellationToken)
    {
        _messages.Clear();
        for (var i = 0; i < hits.Length; i++)
        {
            var hit = hits.Span[i];
            var partition = _topology.PartitionOf(hit.OrbitCount);
            var buffer = _buffers[partition];
            buffer.Add(hit);
            if (buffer.Count >= _linesPerMessage)
            {
                Cut(partition);
            }
        }

        for (var p = 0; p < _buffers.Length; p++)
        {
            if (_buffers[p].Count > 0)
            {
                Cut(p);
            }
        }

        await _sink.WriteAsync(_messages.ToArray(), cancellationToken).ConfigureAwait(false);
        Messages += _messages.Count;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _sink.DisposeAsync();

    private void Cut(int partition)
    {
        var buffer = _buffers[partition];
        _messages.Add(new RabbitMqMessage(DetectorPipeline.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer)), DetectorTopology.PartitionKey(partition)));
        buffer.Clear();
    }
}
