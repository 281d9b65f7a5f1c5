using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.Files.Internal;

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
    private readonly FileSourceLedger _ledger;

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
        _ledger = new FileSourceLedger(Name, "csv", _options.StartAfterLine, logger ?? NullLogger.Instance);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The file read.</summary>
    public string FilePath { get; }

    /// <summary>The last line before the first record not yet acknowledged or rejected: resume after it.</summary>
    public long Checkpoint => _ledger.Checkpoint;

    /// <summary>Rows rejected so far, by the source (bad rows with <see cref="BadRecordHandling.Reject"/>) or by the engine.</summary>
    public IReadOnlyList<SourceRejection> Rejections => _ledger.Rejections;

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
                _ledger.RejectBadLine(row.Line, exception.Message);
                continue;
            }
            catch (Exception exception) when (exception is not FileSourceException and not OperationCanceledException)
            {
                var error = new FileSourceException(Name, FilePath, row.Line, 1, $"the row could not be mapped: {exception.Message}", exception);
                if (_options.OnBadRecord == BadRecordHandling.Stop)
                {
                    throw error;
                }

                _ledger.RejectBadLine(row.Line, error.Message);
                continue;
            }

            _ledger.Delivered(row.Line);
            yield return new SourceItem<T>(value, row.Line);
        }
    }

    /// <inheritdoc />
    public ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken)
    {
        _ledger.Acknowledge(position);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken)
    {
        _ledger.Reject(position, error);
        return ValueTask.CompletedTask;
    }
}
