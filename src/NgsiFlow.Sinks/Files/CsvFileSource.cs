using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.Files.Internal;
using NgsiFlow.Sinks.Internal;

namespace NgsiFlow.Sinks.Files;

/// <summary>
/// Replays a CSV file as a stream: each row is mapped to an event whose position is the line it starts on.
/// Acknowledgements advance <see cref="Checkpoint"/>, which <see cref="FileSourceOptions.StartAfterLine"/> resumes from.
/// </summary>
/// <typeparam name="T">The event type the mapper builds from a <see cref="CsvRecord"/>.</typeparam>
public sealed class CsvFileSource<T> : IStreamSource<T>
{
    private readonly Func<CsvRecord, T> _map;
    private readonly CsvFileSourceOptions _options;
    private readonly ILogger _logger;
    private readonly SinkInstruments _instruments;
    private readonly CheckpointTracker _tracker;
    private readonly List<SourceRejection> _rejections = [];

    /// <summary>Creates the source; the file is opened by <see cref="ReadAsync"/>.</summary>
    /// <param name="path">The CSV file (UTF-8).</param>
    /// <param name="map">Builds an event from a row; throw (ideally <see cref="CsvRecord.ErrorAt"/>) for a bad row.</param>
    /// <param name="options">Delimiter, header, bad-row handling; defaults when null.</param>
    /// <param name="logger">Receives rejected rows; none by default.</param>
    public CsvFileSource(string path, Func<CsvRecord, T> map, CsvFileSourceOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(map);
        _options = options ?? new CsvFileSourceOptions();
        _options.ValidateOrThrow("CSV file", path);
        FilePath = path;
        _map = map;
        Name = _options.Name ?? Path.GetFileName(path);
        _logger = logger ?? NullLogger.Instance;
        _instruments = SinkInstruments.ForSource(Name, "csv");
        _tracker = new CheckpointTracker(_options.StartAfterLine);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The file read.</summary>
    public string FilePath { get; }

    /// <summary>The last line before the first record not yet acknowledged or rejected: resume after it.</summary>
    public long Checkpoint => _tracker.Checkpoint;

    /// <summary>Rows rejected so far, by the source (bad rows with <see cref="BadRecordHandling.Reject"/>) or by the engine.</summary>
    public IReadOnlyList<SourceRejection> Rejections
    {
        get
        {
            lock (_rejections)
            {
                return _rejections.ToArray();
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SourceItem<T>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var parser = new CsvParser(reader, _options.Delimiter, Name, FilePath);
        List<string>? header = null;
        Dictionary<string, int>? ordinals = null;
        var expectedFields = -1;
        while (await parser.ReadAsync(cancellationToken).ConfigureAwait(false) is { } row)
        {
            if (_options.HasHeader && header is null)
            {
                header = row.Fields.Select(f => f.Trim()).ToList();
                ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < header.Count; i++)
                {
                    if (!ordinals.TryAdd(header[i], i))
                    {
                        throw new FileSourceException(Name, FilePath, row.Line, row.Columns[i], $"the header names column '{header[i]}' twice");
                    }
                }

                expectedFields = header.Count;
                continue;
            }

            if (expectedFields < 0)
            {
                expectedFields = row.Fields.Count;
            }

            if (row.Line <= _options.StartAfterLine)
            {
                continue;
            }

            T value;
            try
            {
                if (_options.RequireSameFieldCount && row.Fields.Count != expectedFields)
                {
                    throw new FileSourceException(Name, FilePath, row.Line, 1, $"the row has {row.Fields.Count} field(s); expected {expectedFields}{(header is null ? " like the first row" : " as in the header")}");
                }

                value = _map(new CsvRecord(Name, FilePath, row.Line, row.Fields, row.Columns, header, ordinals));
            }
            catch (FileSourceException exception) when (_options.OnBadRecord == BadRecordHandling.Reject)
            {
                RejectBadRow(row.Line, exception.Message);
                continue;
            }
            catch (Exception exception) when (exception is not FileSourceException and not OperationCanceledException)
            {
                var error = new FileSourceException(Name, FilePath, row.Line, 1, $"the row could not be mapped: {exception.Message}", exception);
                if (_options.OnBadRecord == BadRecordHandling.Stop)
                {
                    throw error;
                }

                RejectBadRow(row.Line, error.Message);
                continue;
            }

            _tracker.Delivered(row.Line);
            _instruments.Read();
            yield return new SourceItem<T>(value, row.Line);
        }
    }

    /// <inheritdoc />
    public ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken)
    {
        _tracker.Settle(position, Name);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        _tracker.Settle(position, Name);
        Record(position, error.Message);
        return ValueTask.CompletedTask;
    }

    private void RejectBadRow(long line, string reason)
    {
        _tracker.Skipped(line);
        Record(line, reason);
    }

    private void Record(long line, string reason)
    {
        lock (_rejections)
        {
            _rejections.Add(new SourceRejection(line, reason));
        }

        _instruments.Rejected();
        SinkLog.SourceRejected(_logger, Name, line, reason);
    }
}
