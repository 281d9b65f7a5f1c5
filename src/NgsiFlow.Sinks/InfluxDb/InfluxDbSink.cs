using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.InfluxDb.Internal;
using NgsiFlow.Sinks.Internal;

namespace NgsiFlow.Sinks.InfluxDb;

/// <summary>
/// Writes stream events to InfluxDB 1.x as points in line protocol over HTTP (<c>POST /write</c>), in batches.
/// <see cref="WriteAsync"/> completes when InfluxDB answered 204 for every point of the call.
/// </summary>
/// <typeparam name="T">The stream's event type, mapped to points by the delegate given at construction.</typeparam>
public sealed class InfluxDbSink<T> : IStreamSink<T>
{
    private readonly Action<T, List<InfluxPoint>> _map;
    private readonly BatchWriter<InfluxPoint> _writer;
    private readonly string _name;

    /// <summary>Creates a sink that maps each event to one point.</summary>
    /// <param name="options">The server, database and batching; validated here.</param>
    /// <param name="map">Builds the point of an event (for points already, <c>p =&gt; p</c>).</param>
    /// <param name="logger">Receives retries and failures; none by default.</param>
    public InfluxDbSink(InfluxDbSinkOptions options, Func<T, InfluxPoint> map, ILogger? logger = null)
        : this(options, SinkMapping.One(map), logger)
    {
    }

    /// <summary>Creates a sink that maps each event to any number of points.</summary>
    /// <param name="options">The server, database and batching; validated here.</param>
    /// <param name="map">Adds the points of an event to the collection.</param>
    /// <param name="logger">Receives retries and failures; none by default.</param>
    public InfluxDbSink(InfluxDbSinkOptions options, Action<T, ICollection<InfluxPoint>> map, ILogger? logger = null)
        : this(options, SinkMapping.Many(map), logger)
    {
    }

    private InfluxDbSink(InfluxDbSinkOptions options, Action<T, List<InfluxPoint>> map, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateOrThrow("InfluxDB");
        _map = map;
        _name = options.Name ?? "influxdb";
        var log = logger ?? NullLogger.Instance;
        _writer = new BatchWriter<InfluxPoint>(new InfluxTransport(options, target => SinkLog.Created(log, "InfluxDB", _name, target)), options, _name, log);
    }

    /// <summary>The sink's name in errors, logs and metrics.</summary>
    public string Name => _name;

    /// <inheritdoc />
    public ValueTask WriteAsync(ReadOnlyMemory<T> batch, CancellationToken cancellationToken)
    {
        var points = SinkMapping.Map(batch.Span, _map, "InfluxDB", _name);
        return new ValueTask(_writer.EnqueueAsync(points, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken cancellationToken) => new(_writer.FlushAsync(cancellationToken));

    /// <summary>Writes what is still queued, then releases the HTTP client.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
