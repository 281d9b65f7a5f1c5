namespace NgsiFlow.Sinks;

/// <summary>Exponential backoff for transient failures of a sink's destination.</summary>
public sealed class SinkRetryOptions
{
    /// <summary>Retries after the first attempt before the sink gives up. Default 8; zero disables retrying.</summary>
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>The delay before the first retry; each further retry doubles it (with jitter). Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two attempts. Default 10 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether to randomise delays so that many sinks do not retry in lockstep. Default true.</summary>
    public bool UseJitter { get; set; } = true;
}
