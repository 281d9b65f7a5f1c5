using System.Runtime.CompilerServices;
using System.Diagnostics;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.Sink;

/// <summary>
/// The end of a stream, in its own stage: runs an async action per event or per chunk (micro-batch), or writes to an
/// <see cref="IStreamSink{T}"/>, under the stage's error policy. Releasing the chunk afterwards is what acknowledges
/// its events.
/// </summary>
internal sealed class SinkOperator<T> : ChunkObserver<T>
{
    private readonly Func<T, CancellationToken, ValueTask>? _perEvent;
    private readonly Func<ReadOnlyMemory<T>, CancellationToken, ValueTask>? _perBatch;
    private readonly IStreamSink<T>? _sink;
    private readonly OperatorCounters _counters;
    private readonly ErrorHandler _errors;

    public SinkOperator(
        Func<T, CancellationToken, ValueTask>? perEvent,
        Func<ReadOnlyMemory<T>, CancellationToken, ValueTask>? perBatch,
        IStreamSink<T>? sink,
        OperatorCounters counters,
        ErrorHandler errors)
    {
        _perEvent = perEvent;
        _perBatch = perBatch ?? (sink is null ? null : sink.WriteAsync);
        _sink = sink;
        _counters = counters;
        _errors = errors;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        _counters.AddIn(chunk.Count);
        if (_perEvent is { } action)
        {
            var items = chunk.Items;
            for (var i = 0; i < chunk.Count; i++)
            {
                try
                {
                    var pending = action(items[i], cancellationToken);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        await pending.ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    await RetryEventAsync(action, chunk, i, e, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else
        {
            try
            {
                await _perBatch!(chunk.Memory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                await RetryBatchAsync(chunk, e, cancellationToken).ConfigureAwait(false);
            }
        }

        _counters.AddOut(chunk.Count);
        Interlocked.Increment(ref _counters.Batches);
        EngineMetrics.RecordBatchDuration(_counters, Stopwatch.GetElapsedTime(started));
    }

    public override ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken) => default;

    public override ValueTask OnTickAsync(long now, CancellationToken cancellationToken) => default;

    public override ValueTask OnCompletedAsync(CancellationToken cancellationToken) =>
        _sink is null ? default : _sink.FlushAsync(cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RetryEventAsync(Func<T, CancellationToken, ValueTask> action, Chunk<T> chunk, int index, Exception error, CancellationToken cancellationToken)
    {
        var item = chunk.Items[index];
        for (var attempt = 0; attempt < _errors.MaxRetries; attempt++)
        {
            _errors.CountRetry();
            await _errors.DelayBeforeRetryAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await action(item, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                error = e;
            }
        }

        await _errors.GiveUpAsync(item, error, chunk.Ack, chunk.HasPositions ? chunk.Positions![index] : null, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RetryBatchAsync(Chunk<T> chunk, Exception error, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < _errors.MaxRetries; attempt++)
        {
            _errors.CountRetry();
            await _errors.DelayBeforeRetryAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _perBatch!(chunk.Memory, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                error = e;
            }
        }

        if (_errors.Policy.Outcome == ErrorOutcome.Reject && chunk.HasPositions)
        {
            // The whole batch failed: reject every event of it.
            for (var i = 0; i < chunk.Count; i++)
            {
                await _errors.GiveUpAsync(chunk.Items[i], error, chunk.Ack, chunk.Positions![i], cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await _errors.GiveUpAsync(chunk.Memory.ToArray(), error, chunk.Ack, null, cancellationToken).ConfigureAwait(false);
    }
}
