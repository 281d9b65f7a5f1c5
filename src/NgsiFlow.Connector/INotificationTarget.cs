namespace NgsiFlow.Connector;

/// <summary>
/// Where the receiver hands accepted notifications: in one process a job's bounded input
/// (<see cref="StreamInputTarget"/>); in distributed mode a message-broker publisher that completes only once the
/// broker confirmed the publish. The receiver answers 2xx only after <see cref="AcceptAsync"/> completed.
/// </summary>
/// <remarks>
/// Contract, which the receiver's delivery guarantee rests on:
/// <list type="bullet">
/// <item>Completing successfully means every event of the batch is durably owned by the target (queued in the job's
/// input, or confirmed by the message broker): it will be processed even if the caller goes away.</item>
/// <item>While the target is full, it waits (back-pressure). When <c>cancellationToken</c> fires before the target
/// took any event of the batch, it throws <see cref="OperationCanceledException"/> and has taken nothing: the receiver
/// answers 503 and the broker may send the notification again. Once it has taken part of a batch it takes the rest
/// without honouring the token, so a 503 never follows a partial acceptance.</item>
/// <item>When the target can no longer accept (its job is stopping), it throws
/// <see cref="TargetClosedException"/>; the receiver answers 503.</item>
/// <item>It is called concurrently from many requests.</item>
/// </list>
/// </remarks>
public interface INotificationTarget
{
    /// <summary>Takes ownership of every event of <paramref name="batch"/>, waiting while the target is full.</summary>
    /// <param name="batch">The notification and its events.</param>
    /// <param name="cancellationToken">Fires when the receiver stops holding the request (the hold time elapsed).</param>
    /// <returns>Completes once the events are owned by the target.</returns>
    ValueTask AcceptAsync(NotificationBatch batch, CancellationToken cancellationToken);
}
