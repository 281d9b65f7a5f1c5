using System.Threading.Channels;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>
/// One connected browser: a small bounded queue of frames. The feed never waits for it: when the queue is
/// full the frame is dropped and the client is marked lagging, so its writer sends a fresh snapshot instead.
/// </summary>
internal sealed class DashboardClient
{
    private readonly Channel<Frame> _frames;
    private long _dropped;
    private int _lagging;

    public DashboardClient(int capacity)
    {
        _frames = Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public ChannelReader<Frame> Reader => _frames.Reader;

    /// <summary>How many frames were dropped because this client was too slow.</summary>
    public long DroppedFrames => Interlocked.Read(ref _dropped);

    /// <summary>How many frames wait in the queue.</summary>
    public int Queued => _frames.Reader.Count;

    public bool IsLagging => Volatile.Read(ref _lagging) == 1;

    /// <summary>Queues a frame without waiting; a full queue marks the client lagging.</summary>
    public void Offer(Frame frame)
    {
        if (!_frames.Writer.TryWrite(frame))
        {
            Interlocked.Increment(ref _dropped);
            Volatile.Write(ref _lagging, 1);
        }
    }

    /// <summary>Clears the lagging mark and the queue, which the snapshot about to be sent supersedes.</summary>
    public void ResetForSnapshot()
    {
        Volatile.Write(ref _lagging, 0);
        while (_frames.Reader.TryRead(out _))
        {
        }
    }

    public void Complete() => _frames.Writer.TryComplete();
}
