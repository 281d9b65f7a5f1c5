namespace NgsiFlow.Dashboard;

/// <summary>Settings of a <see cref="DashboardFeed"/>; validated when the feed is created.</summary>
public sealed class DashboardFeedOptions
{
    /// <summary>The job's name, shown in the page header and the browser tab. Default <c>NgsiFlow job</c>.</summary>
    public string JobName { get; set; } = "NgsiFlow job";

    /// <summary>
    /// How often updates are pushed to each browser, at most. Publishing between two frames is batched into
    /// one frame, so a job publishing tens of thousands of points per second still sends four frames a second.
    /// Between 20 ms and 10 s; default 250 ms.
    /// </summary>
    public TimeSpan FrameInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many recent points a scatter or time-series panel keeps (and late-joining pages receive). Between 10 and 100,000; default 2,000.</summary>
    public int MaxPointsPerPanel { get; set; } = 2000;

    /// <summary>How many entities the entities table keeps; the least recently updated ones are dropped first. Between 1 and 10,000; default 200.</summary>
    public int MaxEntities { get; set; } = 200;

    /// <summary>
    /// How many frames may wait for one browser. A browser that falls further behind loses its queued frames
    /// and receives a fresh snapshot when it catches up, so it never holds back the job. Between 2 and 1,000; default 16.
    /// </summary>
    public int ClientQueueFrames { get; set; } = 16;

    /// <summary>Whether the feed reads the process's <c>System.Diagnostics.Metrics</c> instruments. Default true.</summary>
    public bool CollectMetrics { get; set; } = true;

    /// <summary>Only meters whose name starts with this prefix are read. Default <c>NgsiFlow.</c>.</summary>
    public string MeterPrefix { get; set; } = "NgsiFlow.";

    /// <summary>How often metrics are sampled into rates and percentiles. Between 100 ms and 1 min; default 1 s.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many metric samples the throughput and latency charts keep. Between 10 and 10,000; default 600 (10 minutes at 1 s).</summary>
    public int MetricsHistory { get; set; } = 600;

    /// <summary>Tests drive the frames themselves (through <c>Tick</c>) instead of the timer.</summary>
    internal bool ManualTicks { get; set; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(JobName))
        {
            throw new ArgumentException("DashboardFeedOptions.JobName must not be empty.", nameof(JobName));
        }

        Check(FrameInterval >= TimeSpan.FromMilliseconds(20) && FrameInterval <= TimeSpan.FromSeconds(10), nameof(FrameInterval), $"must be between 20 ms and 10 s (was {FrameInterval.TotalMilliseconds} ms)");
        Check(MaxPointsPerPanel is >= 10 and <= 100_000, nameof(MaxPointsPerPanel), $"must be between 10 and 100000 (was {MaxPointsPerPanel})");
        Check(MaxEntities is >= 1 and <= 10_000, nameof(MaxEntities), $"must be between 1 and 10000 (was {MaxEntities})");
        Check(ClientQueueFrames is >= 2 and <= 1000, nameof(ClientQueueFrames), $"must be between 2 and 1000 (was {ClientQueueFrames})");
        Check(MeterPrefix is not null, nameof(MeterPrefix), "must not be null (use an empty string for every meter)");
        Check(MetricsInterval >= TimeSpan.FromMilliseconds(100) && MetricsInterval <= TimeSpan.FromMinutes(1), nameof(MetricsInterval), $"must be between 100 ms and 1 min (was {MetricsInterval.TotalMilliseconds} ms)");
        Check(MetricsHistory is >= 10 and <= 10_000, nameof(MetricsHistory), $"must be between 10 and 10000 (was {MetricsHistory})");
    }

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException($"DashboardFeedOptions.{name} {problem}.", name);
        }
    }
}
