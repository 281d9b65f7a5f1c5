using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace NgsiFlow.Engine.Internal;

/// <summary>
/// A stage boundary: a bounded channel of chunks, read by its own task that runs the fused operators after it.
/// Several producers may write into it (a merge, lanes joining); its watermark is the minimum of theirs.
/// </summary>
internal sealed class ChannelStage<T> : IRunnableStage
{
    private readonly Channel<StageMessage<T>> _channel;
    private readonly List<long> _watermarks = [];
    private readonly OperatorCounters _counters;
    private int _completedProducers;
    private long _forwardedWatermark = long.MinValue;
    private long _forwardedTick = long.MinValue;
    private int _busy;

    public ChannelStage(string name, int capacity, OperatorCounters counters)
    {
        Name = name;
        _counters = counters;
        _channel = Channel.CreateBounded<StageMessage<T>>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Name { get; }

    public ChunkObserver<T>? Downstream { get; set; }

    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    public int Queued => _channel.Reader.Count;

    /// <summary>Registers a producer; call before the job starts.</summary>
    public ChunkObserver<T> AddProducer()
    {
        _watermarks.Add(long.MinValue);
        return new Hop(this, _watermarks.Count - 1);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var downstream = Downstream ?? throw new InvalidOperationException($"Stage '{Name}' has no downstream.");
        var reader = _channel.Reader;
        if (_watermarks.Count == 0)
        {
            await downstream.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // Waits and writes use no token so that the channel reuses its wait objects (a cancellable wait allocates);
        // cancelling the job completes the channel instead, which wakes both sides.
        using var closeOnCancel = cancellationToken.Register(static state => ((Channel<StageMessage<T>>)state!).Writer.TryComplete(), _channel);
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Volatile.Write(ref _busy, 1);
            try
            {
                while (reader.TryRead(out var message))
                {
                    if (await HandleAsync(downstream, message, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> HandleAsync(ChunkObserver<T> downstream, StageMessage<T> message, CancellationToken cancellationToken)
    {
        switch (message.Kind)
        {
            case MessageKind.Chunk:
                var chunk = message.Chunk!;
                Interlocked.Add(ref _counters.QueueDepth, -chunk.Count);
                try
                {
                    await downstream.OnChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    chunk.Release();
                }

                return false;
            case MessageKind.Watermark:
                _watermarks[message.Producer] = Math.Max(_watermarks[message.Producer], message.Value);
                var low = long.MaxValue;
                foreach (var w in _watermarks)
                {
                    low = Math.Min(low, w);
                }

                if (low > _forwardedWatermark)
                {
                    _forwardedWatermark = low;
                    await downstream.OnWatermarkAsync(low, cancellationToken).ConfigureAwait(false);
                }

                return false;
            case MessageKind.Tick:
                if (message.Value > _forwardedTick)
                {
                    _forwardedTick = message.Value;
                    await downstream.OnTickAsync(message.Value, cancellationToken).ConfigureAwait(false);
                }

                return false;
            default:
                // A finished producer no longer holds the watermark back.
                _watermarks[message.Producer] = long.MaxValue;
                if (++_completedProducers < _watermarks.Count)
                {
                    return false;
                }

                await downstream.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
                return true;
        }
    }

    /// <summary>The producer side: writes into the stage's channel, waiting while it is full (back-pressure).</summary>
    private sealed class Hop(ChannelStage<T> stage, int producer) : ChunkObserver<T>
    {
        public override ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
        {
            chunk.Retain();
            Interlocked.Add(ref stage._counters.QueueDepth, chunk.Count);
            var write = stage._channel.Writer.WriteAsync(new StageMessage<T>(MessageKind.Chunk, chunk, 0, producer), CancellationToken.None);
            if (write.IsCompletedSuccessfully)
            {
                return default;
            }

            return AwaitWrite(write, chunk);
        }

        public override ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken) =>
            stage._channel.Writer.WriteAsync(new StageMessage<T>(MessageKind.Watermark, null, watermark, producer), CancellationToken.None);

        public override ValueTask OnTickAsync(long now, CancellationToken cancellationToken) =>
            stage._channel.Writer.WriteAsync(new StageMessage<T>(MessageKind.Tick, null, now, producer), CancellationToken.None);

        public override ValueTask OnCompletedAsync(CancellationToken cancellationToken) =>
            stage._channel.Writer.WriteAsync(new StageMessage<T>(MessageKind.Completed, null, 0, producer), CancellationToken.None);

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask AwaitWrite(ValueTask write, Chunk<T> chunk)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch
            {
                Interlocked.Add(ref stage._counters.QueueDepth, -chunk.Count);
                chunk.Release();
                throw;
            }
        }
    }
}
