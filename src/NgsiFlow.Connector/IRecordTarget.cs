namespace NgsiFlow.Connector;

/// <summary>
/// Where the receiver hands the records posted to an ingest route; the same contract as
/// <see cref="INotificationTarget"/>: completing means the target owns every record (the receiver answers 2xx only
/// then), cancellation before anything was taken means nothing was (503), <see cref="TargetClosedException"/> means
/// the job is stopping (503). Called concurrently.
/// </summary>
public interface IRecordTarget
{
    /// <summary>Takes ownership of every record of <paramref name="batch"/>, waiting while the target is full.</summary>
    /// <param name="batch">The request's records.</param>
    /// <param name="cancellationToken">Fires when the receiver stops holding the request.</param>
    /// <returns>Completes once the records are owned by the target.</returns>
    ValueTask AcceptAsync(IngestBatch batch, CancellationToken cancellationToken);
}
