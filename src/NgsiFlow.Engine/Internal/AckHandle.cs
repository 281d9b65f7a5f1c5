namespace NgsiFlow.Engine.Internal;

/// <summary>
/// A reference counted promise that some events are done: every chunk derived from them holds a reference,
/// and the last release completes the handle (acknowledges to the source, returns a buffer to its pool...).
/// </summary>
internal abstract class AckHandle
{
    private int _references = 1;

    public void Retain() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Complete();
        }
    }

    protected abstract void Complete();
}

/// <summary>
/// Groups handles that an operator holds on behalf of its output (a window or micro-batch that absorbed many
/// input chunks). A bundle may be chained after the previous bundle of the same operator so that it completes
/// only after every earlier output was written, even when parallel sinks finish out of order.
/// </summary>
internal sealed class AckBundle : AckHandle
{
    private readonly List<AckHandle> _parts = [];
    private readonly Action? _onComplete;
    private AckBundle? _next;
    private bool _completed;

    public AckBundle(Action? onComplete = null) => _onComplete = onComplete;

    public int PartCount => _parts.Count;

    /// <summary>Takes over one reference of <paramref name="part"/>.</summary>
    public void Add(AckHandle part) => _parts.Add(part);

    /// <summary>Makes <paramref name="next"/> wait for this bundle.</summary>
    public void ChainTo(AckBundle next)
    {
        lock (_parts)
        {
            if (_completed)
            {
                return;
            }

            next.Retain();
            _next = next;
        }
    }

    protected override void Complete()
    {
        _onComplete?.Invoke();
        foreach (var part in _parts)
        {
            part.Release();
        }

        AckBundle? next;
        lock (_parts)
        {
            _completed = true;
            next = _next;
            _next = null;
        }

        next?.Release();
    }
}

/// <summary>The events of one chunk read from an <see cref="IStreamSource{T}"/>.</summary>
internal sealed class SourceAckGroup : AckHandle
{
    private readonly ISourceAckTracker _tracker;
    private List<(long Position, Exception Error)>? _rejected;

    public SourceAckGroup(ISourceAckTracker tracker, int capacity)
    {
        _tracker = tracker;
        Positions = new long[capacity];
    }

    public long[] Positions { get; }

    public int Count { get; set; }

    public IReadOnlyList<(long Position, Exception Error)>? Rejected => _rejected;

    /// <summary>The event at <paramref name="position"/> failed for good: reject it instead of acknowledging it.</summary>
    public void Reject(long position, Exception error)
    {
        lock (Positions)
        {
            (_rejected ??= []).Add((position, error));
        }
    }

    public bool IsRejected(long position)
    {
        if (_rejected is null)
        {
            return false;
        }

        foreach (var (p, _) in _rejected)
        {
            if (p == position)
            {
                return true;
            }
        }

        return false;
    }

    protected override void Complete() => _tracker.Completed(this);
}

/// <summary>Receives the groups whose events are all done.</summary>
internal interface ISourceAckTracker
{
    void Completed(SourceAckGroup group);
}
