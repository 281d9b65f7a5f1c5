using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace NgsiFlow.Sinks.Internal;

/// <summary>
/// Group commit for a sink: one loop takes queued writes in order, packs them into batches of at most
/// <see cref="SinkOptions.MaxBatchSize"/> records (waiting up to <see cref="SinkOptions.Linger"/> for more), sends
/// each batch through the transport with retries, and only then completes the writers' tasks.
/// </summary>
/// <remarks>A single loop keeps the stream order across batches and retries; the bounded queue holds callers back.</remarks>
/// <typeparam name="TRecord">The destination's record type.</typeparam>
internal sealed class BatchWriter<TRecord> : IAsyncDisposable
{
    private readonly SinkTransport<TRecord> _transport;
    private readonly string _name;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _linger;
    private readonly ILogger _logger;
    private readonly SinkInstruments _instruments;
    private readonly ResiliencePipeline _pipeline;
    private readonly Channel<Request> _requests;
    private readonly Task _loop;
    private readonly CancellationTokenSource _abort = new();
    private int _disposed;

    public BatchWriter(SinkTransport<TRecord> transport, SinkOptions options, string name, ILogger logger)
    {
        _transport = transport;
        _name = name;
        _maxBatchSize = options.MaxBatchSize;
        _linger = options.Linger;
        _logger = logger;
        _instruments = SinkInstruments.ForSink(name, transport.MetricType);
        _requests = Channel.CreateBounded<Request>(new BoundedChannelOptions(options.MaxPendingWrites)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _pipeline = BuildPipeline(options.Retry);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues records; the task completes when the destination acknowledged all of them.</summary>
    /// <remarks>
    /// Without a cancellable token the caller gets the request's own task, so it is complete by the time a later
    /// flush completes; with one, the caller may stop waiting, but records already queued are still written.
    /// </remarks>
    public Task EnqueueAsync(List<TRecord> records, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        var request = new Request(records);
        if (_requests.Writer.TryWrite(request))
        {
            return cancellationToken.CanBeCanceled ? request.Done.Task.WaitAsync(cancellationToken) : request.Done.Task;
        }

        return EnqueueSlowlyAsync(request, cancellationToken);
    }

    private async Task EnqueueSlowlyAsync(Request request, CancellationToken cancellationToken)
    {
        await _requests.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        await request.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends whatever is queued now, without waiting for the linger; completes when it is acknowledged.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var request = new Request(null);
        try
        {
            await _requests.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return;
        }

        await request.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends everything queued, then stops the loop and disposes the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _requests.Writer.TryComplete();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        finally
        {
            _abort.Dispose();
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await RunLoopAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A broken loop must fail its waiting writers rather than leave them hanging.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var failure = new SinkWriteException(_transport.SinkType, _name, _transport.Target, $"the sink's writer stopped: {exception.Message}", 0, 0, false, exception);
            _requests.Writer.TryComplete(failure);
            while (_requests.Reader.TryRead(out var request))
            {
                request.Done.TrySetException(failure);
            }
        }
    }

    private async Task RunLoopAsync()
    {
        var reader = _requests.Reader;
        Request? carry = null;
        while (carry is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var records = new List<TRecord>(Math.Min(_maxBatchSize, 1024));
            var owners = new List<Request>();
            var flushes = new List<Request>();
            using var linger = _linger > TimeSpan.Zero ? new CancellationTokenSource(_linger) : null;
            while (records.Count < _maxBatchSize)
            {
                Request? request;
                if (carry is not null)
                {
                    request = carry;
                    carry = null;
                }
                else if (!reader.TryRead(out request))
                {
                    if (linger is null || records.Count == 0 || !await WaitForMoreAsync(reader, linger.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    continue;
                }

                if (request.Records is null)
                {
                    flushes.Add(request);
                    break;
                }

                var take = Math.Min(request.Records.Count - request.Offset, _maxBatchSize - records.Count);
                records.AddRange(CollectionsMarshal.AsSpan(request.Records).Slice(request.Offset, take));
                request.Offset += take;
                owners.Add(request);
                if (request.Offset < request.Records.Count)
                {
                    carry = request;
                }
            }

            if (records.Count > 0)
            {
                var failure = await WriteBatchAsync(records).ConfigureAwait(false);
                foreach (var owner in owners)
                {
                    if (failure is not null)
                    {
                        owner.Done.TrySetException(failure);
                    }
                    else if (owner.Offset == owner.Records!.Count)
                    {
                        owner.Done.TrySetResult();
                    }
                }

                if (failure is not null && carry is not null && carry.Done.Task.IsFaulted)
                {
                    // The rest of a write whose first part failed is not sent: its caller already has the error.
                    carry = null;
                }
            }

            foreach (var flush in flushes)
            {
                flush.Done.TrySetResult();
            }
        }
    }

    private static async ValueTask<bool> WaitForMoreAsync(ChannelReader<Request> reader, CancellationToken linger)
    {
        try
        {
            return await reader.WaitToReadAsync(linger).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linger.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<Exception?> WriteBatchAsync(List<TRecord> records)
    {
        var batch = new OutgoingBatch<TRecord>(records);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    state.batch.Attempt++;
                    await state.transport.WriteAsync(state.batch, token).ConfigureAwait(false);
                },
                (transport: _transport, batch),
                _abort.Token).ConfigureAwait(false);
            _instruments.BatchWritten(records.Count, Stopwatch.GetElapsedTime(started));
            return null;
        }
#pragma warning disable CA1031 // Every failure of the destination is handed to the writers waiting on this batch.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _instruments.Failed();
            var transient = _transport.IsTransient(exception);
            var cause = _transport.Describe(exception);
            SinkLog.GaveUp(_logger, _transport.SinkType, _name, records.Count, _transport.Target, cause, exception);
            return exception as SinkWriteException
                ?? new SinkWriteException(_transport.SinkType, _name, _transport.Target, cause, records.Count, batch.Attempt, transient, exception);
        }
    }

    private ResiliencePipeline BuildPipeline(SinkRetryOptions retry)
    {
        if (retry.MaxRetryAttempts == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && _transport.IsTransient(e)),
                MaxRetryAttempts = retry.MaxRetryAttempts,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                OnRetry = args =>
                {
                    _instruments.Retried();
                    var cause = args.Outcome.Exception is { } e ? _transport.Describe(e) : "unknown";
                    SinkLog.Retrying(_logger, _transport.SinkType, _name, _transport.Target, args.AttemptNumber + 1, args.RetryDelay, cause);
                    return default;
                },
            })
            .Build();
    }

    private sealed class Request(List<TRecord>? records)
    {
        public List<TRecord>? Records { get; } = records;

        public int Offset { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
