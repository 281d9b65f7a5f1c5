namespace NgsiFlow.Client;

/// <summary>Retries of failed calls: 5xx, 429, timeouts and connection failures, with exponential backoff and jitter.</summary>
public sealed class NgsiRetryOptions
{
    /// <summary>Retries after the first attempt (0 disables retrying). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The delay before the first retry; it doubles on each further one. Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two attempts, also the cap on a broker's <c>Retry-After</c>. Default 10 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Randomizes delays so that many clients do not retry in step. Default true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Also retry POSTs the client cannot prove safe to repeat (entity creation without upsert, subscription creation,
    /// <c>appendStrict</c>). A repeat may then fail with "already exists" or create a duplicate subscription. Default false.
    /// </summary>
    public bool RetryNonIdempotent { get; set; }

    internal void Validate(List<string> errors)
    {
        if (MaxRetries is < 0 or > 100)
        {
            errors.Add($"NgsiRetryOptions.MaxRetries must be between 0 and 100 (was {MaxRetries}).");
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromMinutes(5))
        {
            errors.Add($"NgsiRetryOptions.BaseDelay must be between 0 and 5 minutes (was {BaseDelay}).");
        }

        if (MaxDelay < BaseDelay || MaxDelay > TimeSpan.FromMinutes(30))
        {
            errors.Add($"NgsiRetryOptions.MaxDelay must be at least BaseDelay ({BaseDelay}) and at most 30 minutes (was {MaxDelay}).");
        }
    }
}
