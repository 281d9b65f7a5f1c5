using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.Files.Internal;

namespace NgsiFlow.Sinks.Files;

/// <summary>
/// Replays a JSON-lines file (one JSON document per line, blank lines skipped) as a stream whose positions are
/// line numbers. Invalid JSON is reported with its file, line and column.
/// </summary>
/// <typeparam name="T">The event type each line deserializes to.</typeparam>
public sealed class JsonLinesFileSource<T> : IStreamSource<T>
{
    private readonly Func<ReadOnlySpan<byte>, T?> _deserialize;
    private readonly FileSourceOptions _options;
    private readonly FileSourceLedger _ledger;

    /// <summary>Creates a source deserializing lines with System.Text.Json metadata (source-generated or reflection).</summary>
    /// <param name="path">The file (UTF-8).</param>
    /// <param name="typeInfo">How to deserialize <typeparamref name="T"/>.</param>
    /// <param name="options">Bad-line handling and resume point; defaults when null.</param>
    /// <param name="logger">Receives rejected lines; none by default.</param>
    public JsonLinesFileSource(string path, JsonTypeInfo<T> typeInfo, FileSourceOptions? options = null, ILogger? logger = null)
        : this(path, Deserializer(typeInfo), options, logger)
    {
    }

    /// <summary>Creates a source with a deserializer of one line's UTF-8 bytes.</summary>
    /// <param name="path">The file (UTF-8).</param>
    /// <param name="deserialize">Builds an event from a line; a <see cref="JsonException"/> is located in the line.</param>
    /// <param name="options">Bad-line handling and resume point; defaults when null.</param>
    /// <param name="logger">Receives rejected lines; none by default.</param>
    public JsonLinesFileSource(string path, Func<ReadOnlySpan<byte>, T?> deserialize, FileSourceOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(deserialize);
        _options = options ?? new FileSourceOptions();
        _options.ValidateOrThrow("JSON-lines file", path);
        FilePath = path;
        _deserialize = deserialize;
        Name = _options.Name ?? Path.GetFileName(path);
        _ledger = new FileSourceLedger(Name, "jsonl", _options.StartAfterLine, logger ?? NullLogger.Instance);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The file read.</summary>
    public string FilePath { get; }

    /// <summary>The last line before the first record not yet acknowledged or rejected: resume after it.</summary>
    public long Checkpoint => _ledger.Checkpoint;

    /// <summary>Lines rejected so far, by the source (with <see cref="BadRecordHandling.Reject"/>) or by the engine.</summary>
    public IReadOnlyList<SourceRejection> Rejections => _ledger.Rejections;

    /// <inheritdoc />
    public async IAsyncEnumerable<SourceItem<T>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (lineNumber <= _options.StartAfterLine || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(line);
            T? value;
            FileSourceException? error = null;
            try
            {
                value = _deserialize(bytes);
                if (value is null)
                {
                    error = new FileSourceException(Name, FilePath, lineNumber, 1, "the line is JSON null, not an event");
                }
            }
            catch (JsonException exception)
            {
                value = default;
                var column = exception.BytePositionInLine is { } position ? Encoding.UTF8.GetCharCount(bytes, 0, (int)Math.Min(position, bytes.Length)) + 1 : 1;
                error = new FileSourceException(Name, FilePath, lineNumber, column, $"invalid JSON for {typeof(T).Name}: {exception.Message}", exception);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                value = default;
                error = new FileSourceException(Name, FilePath, lineNumber, 1, $"the line could not be read as {typeof(T).Name}: {exception.Message}", exception);
            }

            if (error is not null)
            {
                if (_options.OnBadRecord == BadRecordHandling.Stop)
                {
                    throw error;
                }

                _ledger.RejectBadLine(lineNumber, error.Message);
                continue;
            }

            _ledger.Delivered(lineNumber);
            yield return new SourceItem<T>(value!, lineNumber);
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

    private static Func<ReadOnlySpan<byte>, T?> Deserializer(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return bytes => JsonSerializer.Deserialize(bytes, typeInfo);
    }
}
