namespace NgsiFlow.Connector.Internal;

/// <summary>Lock-free counters behind <see cref="ReceiverStatistics"/>.</summary>
internal sealed class RouteCounters
{
    private static readonly int ReasonCount = Enum.GetValues<RejectReason>().Length;
    private readonly long[] _rejected = new long[ReasonCount];
    private long _received;
    private long _accepted;
    private long _events;

    public void Received() => Interlocked.Increment(ref _received);

    public void Accepted(int events)
    {
        Interlocked.Increment(ref _accepted);
        Interlocked.Add(ref _events, events);
    }

    public void Rejected(RejectReason reason) => Interlocked.Increment(ref _rejected[(int)reason]);

    public ReceiverStatistics Snapshot()
    {
        var rejected = new Dictionary<RejectReason, long>();
        for (var i = 0; i < _rejected.Length; i++)
        {
            var n = Interlocked.Read(ref _rejected[i]);
            if (n != 0)
            {
                rejected[(RejectReason)i] = n;
            }
        }

        return new ReceiverStatistics(Interlocked.Read(ref _received), Interlocked.Read(ref _accepted), Interlocked.Read(ref _events), rejected);
    }
}
