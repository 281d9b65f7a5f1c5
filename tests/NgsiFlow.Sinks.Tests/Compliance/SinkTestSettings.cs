namespace NgsiFlow.Sinks.Tests.Compliance;

/// <summary>What a compliance test asks of the sink it creates.</summary>
/// <param name="Name">A name unique to the test, so its metrics are its own.</param>
/// <param name="MaxBatchSize">The sink's batch size.</param>
/// <param name="Linger">The sink's linger.</param>
public sealed record SinkTestSettings(string Name, int MaxBatchSize = 1000, TimeSpan Linger = default)
{
    /// <summary>Fast retries, enough of them to ride out a few seconds of outage.</summary>
    public SinkRetryOptions Retry { get; init; } = new() { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(400), MaxRetryAttempts = 60 };

    public T Apply<T>(T options)
        where T : SinkOptions
    {
        options.Name = Name;
        options.MaxBatchSize = MaxBatchSize;
        options.Linger = Linger;
        options.Retry = Retry;
        return options;
    }
}
