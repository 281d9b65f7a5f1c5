namespace NgsiFlow.Sinks;

/// <summary>Options every sink shares: its name, how it groups writes into batches, and how it retries.</summary>
/// <remarks>
/// A sink sends a batch as soon as it holds <see cref="MaxBatchSize"/> records, or when <see cref="Linger"/> has
/// passed since the first record of the batch arrived, or on <c>FlushAsync</c>. Writes that arrive while a batch is
/// being sent are coalesced into the next one, so a linger of zero still batches under load.
/// </remarks>
public abstract class SinkOptions
{
    /// <summary>The sink's name in errors, logs and metrics (tag <c>sink</c>). Defaults to the sink type.</summary>
    public string? Name { get; set; }

    /// <summary>The most records (points, rows, messages) sent in one request to the destination. Default 5,000.</summary>
    public int MaxBatchSize { get; set; } = 5000;

    /// <summary>How long a batch waits for more records before it is sent. Default zero: send what is there.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.Zero;

    /// <summary>How many <c>WriteAsync</c> calls may wait for the writer before callers are held back. Default 256.</summary>
    public int MaxPendingWrites { get; set; } = 256;

    /// <summary>How transient failures (connection refused, server busy, timeouts) are retried.</summary>
    public SinkRetryOptions Retry { get; set; } = new();

    /// <summary>Adds one message per invalid value to <paramref name="errors"/>.</summary>
    /// <param name="errors">Collects the problems found.</param>
    protected virtual void Validate(ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Name is not null && string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("Name must not be blank.");
        }

        if (MaxBatchSize < 1)
        {
            errors.Add($"MaxBatchSize must be at least 1 (was {MaxBatchSize}).");
        }

        if (Linger < TimeSpan.Zero || Linger > TimeSpan.FromDays(1))
        {
            errors.Add($"Linger must be between zero and one day (was {Linger}).");
        }

        if (MaxPendingWrites < 1)
        {
            errors.Add($"MaxPendingWrites must be at least 1 (was {MaxPendingWrites}).");
        }

        if (Retry is null)
        {
            errors.Add("Retry must not be null.");
            return;
        }

        if (Retry.MaxRetryAttempts < 0)
        {
            errors.Add($"Retry.MaxRetryAttempts must not be negative (was {Retry.MaxRetryAttempts}).");
        }

        if (Retry.BaseDelay <= TimeSpan.Zero)
        {
            errors.Add($"Retry.BaseDelay must be positive (was {Retry.BaseDelay}).");
        }

        if (Retry.MaxDelay < Retry.BaseDelay)
        {
            errors.Add($"Retry.MaxDelay must be at least Retry.BaseDelay (was {Retry.MaxDelay}).");
        }
    }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every invalid value, or returns quietly.</summary>
    /// <param name="sinkType">The kind of sink, for the message (for example <c>InfluxDB</c>).</param>
    internal void ValidateOrThrow(string sinkType)
    {
        var errors = new List<string>();
        Validate(errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {sinkType} sink options{(Name is null ? string.Empty : $" for '{Name}'")}: {string.Join(" ", errors)}");
        }
    }
}
