namespace NgsiFlow.Connector;

/// <summary>Counters of a replier since creation.</summary>
/// <param name="Submitted">Writes submitted.</param>
/// <param name="Confirmed">Writes the broker confirmed (2xx).</param>
/// <param name="DeadLettered">Writes that finally failed and were dead-lettered.</param>
/// <param name="Requests">HTTP requests sent (a batch counts once; retries not included).</param>
/// <param name="Batches">Batch requests among them.</param>
/// <param name="Retries">HTTP attempts the client repeated on this broker connection (5xx, 429, timeouts).</param>
public sealed record ReplierStatistics(long Submitted, long Confirmed, long DeadLettered, long Requests, long Batches, long Retries);
