namespace NgsiFlow.Connector;

/// <summary>Counters of a receiver or of one of its routes since start.</summary>
/// <param name="Received">Requests that reached the notification endpoints.</param>
/// <param name="Accepted">Notifications answered 2xx (their events are owned by the job's target).</param>
/// <param name="Events">Events (entities) handed to targets.</param>
/// <param name="Rejected">Requests refused, by reason.</param>
public sealed record ReceiverStatistics(long Received, long Accepted, long Events, IReadOnlyDictionary<RejectReason, long> Rejected)
{
    /// <summary>All rejected requests.</summary>
    public long RejectedTotal => Rejected.Values.Sum();

    /// <summary>503 answers (overloaded or stopping).</summary>
    public long ServiceUnavailable => Count(RejectReason.Overloaded) + Count(RejectReason.Stopping);

    /// <summary>Rejections for one reason.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>How many.</returns>
    public long Count(RejectReason reason) => Rejected.TryGetValue(reason, out var n) ? n : 0;
}
