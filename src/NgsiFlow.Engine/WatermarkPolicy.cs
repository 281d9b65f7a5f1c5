namespace NgsiFlow.Engine;

/// <summary>
/// How much disorder event time may have: the watermark (the time before which no more events are expected)
/// trails the largest event time seen by <see cref="MaxOutOfOrderness"/>. Optionally, when no event arrives for
/// <see cref="IdleTimeout"/>, the watermark follows processing time so that windows still close on a quiet input.
/// </summary>
public sealed class WatermarkPolicy
{
    private WatermarkPolicy(TimeSpan maxOutOfOrderness, TimeSpan? idleTimeout)
    {
        MaxOutOfOrderness = maxOutOfOrderness;
        IdleTimeout = idleTimeout;
    }

    /// <summary>Events arrive in event-time order.</summary>
    public static WatermarkPolicy Ascending { get; } = new(TimeSpan.Zero, null);

    /// <summary>How far behind the largest event time an event may still arrive without being late.</summary>
    public TimeSpan MaxOutOfOrderness { get; }

    /// <summary>After this long without events the watermark advances with processing time (minus the disorder bound).</summary>
    public TimeSpan? IdleTimeout { get; }

    /// <summary>A watermark that trails the largest event time by <paramref name="maxOutOfOrderness"/>.</summary>
    /// <param name="maxOutOfOrderness">The disorder bound.</param>
    /// <param name="idleTimeout">Advance with processing time after this long without events; null never does.</param>
    /// <returns>The policy.</returns>
    public static WatermarkPolicy BoundedOutOfOrderness(TimeSpan maxOutOfOrderness, TimeSpan? idleTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutOfOrderness, TimeSpan.Zero);
        if (idleTimeout is { } idle)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, TimeSpan.Zero, nameof(idleTimeout));
        }

        return new WatermarkPolicy(maxOutOfOrderness, idleTimeout);
    }
}
