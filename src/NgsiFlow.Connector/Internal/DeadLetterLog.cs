using System.Text.Json;
using Microsoft.Extensions.Logging;
using NgsiFlow.Engine;

namespace NgsiFlow.Connector.Internal;

/// <summary>Records failed write-backs in a JSON-lines file and/or a sink; never only in the console.</summary>
internal sealed class DeadLetterLog(string? path, IStreamSink<WriteBackFailure>? sink, ILogger logger) : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task WriteAsync(WriteBackFailure failure, CancellationToken cancellationToken)
    {
        ConnectorLog.DeadLettered(logger, failure.Method, failure.Path, failure.StatusCode, failure.Error);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (path is not null)
            {
                try
                {
                    var line = JsonSerializer.Serialize(failure, Json) + "\n";
                    await File.AppendAllTextAsync(path, line, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    ConnectorLog.DeadLetterFailed(logger, e, path);
                }
                catch (UnauthorizedAccessException e)
                {
                    ConnectorLog.DeadLetterFailed(logger, e, path);
                }
            }

            if (sink is not null)
            {
                await sink.WriteAsync(new[] { failure }, cancellationToken).ConfigureAwait(false);
                await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _lock.Dispose();
        return default;
    }
}
