using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.Internal;
using NgsiFlow.Sinks.PostgreSql.Internal;

namespace NgsiFlow.Sinks.PostgreSql;

/// <summary>
/// Appends entity history to a PostgreSQL table, one row per attribute update, with one binary <c>COPY</c> per
/// batch. The table is created when missing; <see cref="WriteAsync"/> completes once the COPY committed.
/// </summary>
/// <typeparam name="T">The stream's event type, mapped to rows by the delegate given at construction.</typeparam>
public sealed class PostgreSqlHistorySink<T> : IStreamSink<T>
{
    private readonly Action<T, List<EntityAttributeRow>> _map;
    private readonly BatchWriter<EntityAttributeRow> _writer;
    private readonly string _name;

    /// <summary>Creates a sink that maps each event to one row (for rows already, <c>r =&gt; r</c>).</summary>
    /// <param name="options">The connection, table and batching; validated here.</param>
    /// <param name="map">Builds the row of an event.</param>
    /// <param name="logger">Receives retries and failures; none by default.</param>
    public PostgreSqlHistorySink(PostgreSqlHistorySinkOptions options, Func<T, EntityAttributeRow> map, ILogger? logger = null)
        : this(options, SinkMapping.One(map), logger)
    {
    }

    /// <summary>Creates a sink that maps each event to any number of rows (an entity to one row per attribute).</summary>
    /// <param name="options">The connection, table and batching; validated here.</param>
    /// <param name="map">Adds the rows of an event to the collection.</param>
    /// <param name="logger">Receives retries and failures; none by default.</param>
    public PostgreSqlHistorySink(PostgreSqlHistorySinkOptions options, Action<T, ICollection<EntityAttributeRow>> map, ILogger? logger = null)
        : this(options, SinkMapping.Many(map), logger)
    {
    }

    private PostgreSqlHistorySink(PostgreSqlHistorySinkOptions options, Action<T, List<EntityAttributeRow>> map, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateOrThrow("PostgreSQL");
        _map = map;
        _name = options.Name ?? "postgresql";
        var log = logger ?? NullLogger.Instance;
        _writer = new BatchWriter<EntityAttributeRow>(new PostgreSqlTransport(options, target => SinkLog.Created(log, "PostgreSQL", _name, target)), options, _name, log);
    }

    /// <summary>The sink's name in errors, logs and metrics.</summary>
    public string Name => _name;

    /// <inheritdoc />
    public ValueTask WriteAsync(ReadOnlyMemory<T> batch, CancellationToken cancellationToken)
    {
        var rows = SinkMapping.Map(batch.Span, _map, "PostgreSQL", _name);
        return new ValueTask(_writer.EnqueueAsync(rows, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken cancellationToken) => new(_writer.FlushAsync(cancellationToken));

    /// <summary>Writes what is still queued, then closes the connection pool.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
