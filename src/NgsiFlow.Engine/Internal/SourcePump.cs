using System.Threading.Channels;

namespace NgsiFlow.Engine.Internal;

/// <summary>
/// Reads an <see cref="IStreamSource{T}"/> into the job's input buffer, and acknowledges (or rejects) each event
/// to the source once every result derived from it was written.
/// </summary>
internal sealed class SourcePump<T> : IRunnableStage, ISourceAckTracker
{
    // Unbounded on purpose: a group is queued only when its chunk and everything derived from it are done, so the
    // queue never holds more groups than there were chunks in flight, which the bounded stages already cap.
    private readonly Channel<SourceAckGroup> _done = Channel.CreateUnbounded<SourceAckGroup>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IStreamSource<T> _source;
    private readonly OperatorCounters _counters;
    private readonly CancellationTokenSource _reading = new();
    private int _busy;
    private int _queued;
    private bool _readingDone;

    public SourcePump(IStreamSource<T> source, OperatorCounters counters)
    {
        _source = source;
        _counters = counters;
        Name = source.Name;
    }

    public string Name { get; }

    public InputBuffer<T>? Buffer { get; set; }

    public bool IsAcknowledged => Buffer?.IsTracked ?? false;

    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    public int Queued => Volatile.Read(ref _queued);

    public AckStage Acknowledger => new(this);

    /// <summary>Stops reading (a graceful stop); what was read is still processed and acknowledged.</summary>
    public void StopReading()
    {
        lock (_reading)
        {
            if (!_readingDone)
            {
                _reading.Cancel();
            }
        }
    }

    public void Completed(SourceAckGroup group)
    {
        Interlocked.Increment(ref _queued);
        _done.Writer.TryWrite(group);
    }

    public void CompleteAcknowledgements() => _done.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = Buffer ?? throw new InvalidOperationException($"Source '{Name}' has no input buffer.");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _reading.Token);
        try
        {
            await foreach (var item in _source.ReadAsync(linked.Token).ConfigureAwait(false))
            {
                await buffer.WriteAsync(item.Value, item.Position, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_reading.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A graceful stop: what was read is drained below.
        }
        finally
        {
            buffer.Complete();
            lock (_reading)
            {
                _readingDone = true;
            }
        }
    }

    private async Task AcknowledgeAsync(CancellationToken cancellationToken)
    {
        var reader = _done.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            Volatile.Write(ref _busy, 1);
            try
            {
                while (reader.TryRead(out var group))
                {
                    Interlocked.Decrement(ref _queued);
                    if (group.Rejected is not { } rejected)
                    {
                        await _source.AcknowledgeManyAsync(group.Positions.AsMemory(0, group.Count), cancellationToken).ConfigureAwait(false);
                        Interlocked.Add(ref _counters.Acknowledged, group.Count);
                        continue;
                    }

                    for (var i = 0; i < group.Count; i++)
                    {
                        var position = group.Positions[i];
                        if (group.IsRejected(position))
                        {
                            var error = rejected.First(r => r.Position == position).Error;
                            await _source.RejectAsync(position, error, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await _source.AcknowledgeAsync(position, cancellationToken).ConfigureAwait(false);
                            Interlocked.Increment(ref _counters.Acknowledged);
                        }
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }
    }

    /// <summary>The acknowledging half, run as its own task until the job's stages are done.</summary>
    internal sealed class AckStage(SourcePump<T> pump) : IRunnableStage
    {
        public string Name => pump.Name + "-ack";

        public bool IsBusy => pump.IsBusy;

        public int Queued => pump.Queued;

        public Task RunAsync(CancellationToken cancellationToken) => pump.AcknowledgeAsync(cancellationToken);
    }
}
