using System.Diagnostics;
using System.Globalization;
using System.Text;
using NgsiFlow.Engine;
using NgsiFlow.Engine.Records;
using NgsiFlow.Sinks.Internal;
using NgsiFlow.Sinks.Parquet.Internal;

namespace NgsiFlow.Sinks.Parquet;

/// <summary>
/// Writes a stream's records as Parquet files under hive-style partition directories
/// (<c>route=sensors/date=2026-12-04/part-….parquet</c>). <c>WriteAsync</c> completes once the batch is in the sink's
/// write-ahead log on disk; files are written and atomically renamed when rolled (by time, by size, at flush and
/// at stop), so a reader listing <c>*.parquet</c> never sees a half-written file, and records logged before a crash
/// are written out when a sink on the same directory starts again.
/// </summary>
/// <typeparam name="T">The stream's event type.</typeparam>
/// <example><code>
/// await using var sink = new ParquetSink&lt;Record&gt;(new ParquetSinkOptions&lt;Record&gt; { Directory = "data", PartitionBy = ["route"], PartitionByDate = true });
/// records.To(sink);
/// </code></example>
public sealed class ParquetSink<T> : IStreamSink<T>
{
    private const string SinkType = "Parquet";
    private readonly ParquetSinkOptions<T> _options;
    private readonly Func<T, Record> _toRecord;
    private readonly string _name;
    private readonly string _directory;
    private readonly HashSet<string> _partitionFields;
    private readonly SinkInstruments _instruments;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, List<Record>> _buffered = new(StringComparer.Ordinal);
    private readonly WriteAheadLog _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private Task? _roller;
    private long _bufferedBytes;
    private DateTimeOffset _epochStart;
    private long _sequence;
    private bool _started;
    private int _disposed;

    /// <summary>Creates the sink; nothing is written before the first <see cref="WriteAsync"/>.</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public ParquetSink(ParquetSinkOptions<T> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateOrThrow(SinkType);
        _options = options;
        _toRecord = options.ToRecord ?? (e => (Record)(object)e!);
        _name = options.Name ?? "parquet";
        _directory = Path.GetFullPath(options.Directory);
        _partitionFields = [.. options.PartitionBy];
        _instruments = SinkInstruments.ForSink(_name, "parquet");
        _log = new WriteAheadLog(Path.Combine(_directory, ".wal"));
    }

    /// <summary>Files committed so far.</summary>
    public long FilesWritten => Interlocked.Read(ref _sequence);

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<T> batch, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (batch.IsEmpty)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var entries = new List<(string Partition, Record Record)>(batch.Length);
        var now = _options.TimeProvider.GetUtcNow();
        for (var i = 0; i < batch.Length; i++)
        {
            Record record;
            try
            {
                record = _toRecord(batch.Span[i]);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _instruments.Failed();
                throw new SinkWriteException(SinkType, _name, _directory, $"event {i} of the batch could not be made a record: {e.Message}", batch.Length, 1, false, e);
            }

            entries.Add((PartitionOf(record, now), record));
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
            var lengths = await WithRetriesAsync(() => Task.FromResult(_log.Append(entries)), batch.Length, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < entries.Count; i++)
            {
                var (partition, record) = entries[i];
                (_buffered.TryGetValue(partition, out var list) ? list : _buffered[partition] = []).Add(record);
                _bufferedBytes += lengths[i];
            }

            _instruments.BatchWritten(entries.Count, Stopwatch.GetElapsedTime(started));
            if (_bufferedBytes >= _options.RollSize || _options.RollInterval == TimeSpan.Zero)
            {
                await RollAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Rolls every file now: what was written is in committed Parquet files when this completes.</summary>
    /// <param name="cancellationToken">Cancels the wait for the sink.</param>
    /// <returns>Completes when rolled.</returns>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                await RollAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Rolls what is buffered and releases the log.</summary>
    /// <returns>Completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_roller is not null)
        {
            await _roller.ConfigureAwait(false);
        }

        try
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _log.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(_directory);
            long last = 0;
            foreach (var number in _log.Leftovers().ToList())
            {
                // A previous run's acknowledged records that were not yet in files: write them out first.
                foreach (var (partition, records) in _log.Read(number))
                {
                    await CommitAsync(partition, records, cancellationToken).ConfigureAwait(false);
                    _log.MarkCommitted(number, partition);
                }

                _log.Delete(number);
                last = number;
            }

            _log.Open(last);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _instruments.Failed();
            throw new SinkWriteException(SinkType, _name, _directory, e.Message, 0, 1, false, e);
        }

        _epochStart = _options.TimeProvider.GetUtcNow();
        _started = true;
        if (_options.RollInterval > TimeSpan.Zero)
        {
            _roller = Task.Run(RollPeriodicallyAsync);
        }
    }

    private async Task RollPeriodicallyAsync()
    {
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, _options.RollInterval.Ticks / 4));
        using var timer = new PeriodicTimer(tick, _options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                await _lock.WaitAsync(_stop.Token).ConfigureAwait(false);
                try
                {
                    if (_bufferedBytes > 0 && _options.TimeProvider.GetUtcNow() - _epochStart >= _options.RollInterval)
                    {
                        await RollAsync(_stop.Token).ConfigureAwait(false);
                    }
                }
                catch (SinkWriteException)
                {
                    // Kept in the log and in memory; the next roll, flush or stop tries again and reports.
                }
                finally
                {
                    _lock.Release();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: DisposeAsync rolls what is left.
        }
    }

    private async Task RollAsync(CancellationToken cancellationToken)
    {
        if (_buffered.Count > 0)
        {
            var segment = _log.Rotate();
            foreach (var partition in _buffered.Keys.Order(StringComparer.Ordinal).ToList())
            {
                await WithRetriesAsync(async () => { await CommitAsync(partition, _buffered[partition], cancellationToken).ConfigureAwait(false); return 0; }, _buffered[partition].Count, cancellationToken).ConfigureAwait(false);
                _log.MarkCommitted(segment, partition);
                _buffered.Remove(partition);
            }

            _log.Delete(segment);
        }

        _bufferedBytes = 0;
        _epochStart = _options.TimeProvider.GetUtcNow();
    }

    private async Task CommitAsync(string partition, List<Record> records, CancellationToken cancellationToken)
    {
        var directory = partition.Length == 0 ? _directory : Path.Combine(_directory, partition);
        Directory.CreateDirectory(directory);
        var sequence = Interlocked.Increment(ref _sequence);
        var name = $"part-{_options.TimeProvider.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{_run}-{sequence.ToString("D6", CultureInfo.InvariantCulture)}.parquet";
        await ParquetFile.WriteAsync(Path.Combine(directory, name), records, _partitionFields, _options.RowGroupSize, _options.Compression, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResult> WithRetriesAsync<TResult>(Func<Task<TResult>> action, int records, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var permanent = e is UnauthorizedAccessException or DirectoryNotFoundException;
                if (permanent || attempt > _options.Retry.MaxRetryAttempts)
                {
                    _instruments.Failed();
                    throw new SinkWriteException(SinkType, _name, _directory, e.Message, records, attempt, !permanent, e);
                }

                _instruments.Retried();
                var delay = TimeSpan.FromTicks(Math.Min(_options.Retry.MaxDelay.Ticks, _options.Retry.BaseDelay.Ticks * (1L << Math.Min(attempt - 1, 20))));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string PartitionOf(Record record, DateTimeOffset now)
    {
        if (_options.PartitionBy.Count == 0 && !_options.PartitionByDate)
        {
            return string.Empty;
        }

        var path = new StringBuilder();
        foreach (var field in _options.PartitionBy)
        {
            Append(path, field, record[field] switch
            {
                null => "__null__",
                string s => s,
                DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
                var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty,
            });
        }

        if (_options.PartitionByDate)
        {
            var time = _options.DateField is { } f && record[f] is DateTimeOffset t ? t : now;
            Append(path, "date", time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        return path.ToString();

        static void Append(StringBuilder path, string field, string value)
        {
            if (path.Length > 0)
            {
                path.Append(Path.DirectorySeparatorChar);
            }

            path.Append(Escape(field)).Append('=').Append(Escape(value));
        }
    }

    /// <summary>Percent-encodes what a path segment cannot hold (as Hive does), so that any value makes one directory.</summary>
    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '-' or '_' or '.' or ' ' or '+' or '@'))
            {
                escaped.Append((char)rune.Value);
            }
            else
            {
                var n = rune.EncodeToUtf8(bytes);
                foreach (var b in bytes[..n])
                {
                    escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
        }

        var text = escaped.ToString();
        return text is "" or "." or ".." ? "%" + text.Length.ToString(CultureInfo.InvariantCulture) : text;
    }
}
