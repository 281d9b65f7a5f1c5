namespace NgsiFlow.Cli.Demo;

/// <summary>Progress counters a scenario updates and the terminal reads (from another thread).</summary>
internal sealed class DemoProgress
{
    private long _sent;
    private long _written;
    private long _total;
    private double _mae = double.NaN;
    private long _startTimestamp;

    /// <summary>Updates to send in all.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Updates sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Predictions written back and seen on the broker so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>The running mean absolute error.</summary>
    public double Mae => Volatile.Read(ref _mae);

    /// <summary>Seconds since the replay started (0 before).</summary>
    public double Elapsed
    {
        get
        {
            var start = Interlocked.Read(ref _startTimestamp);
            return start == 0 ? 0 : System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
    }

    /// <summary>A phase the terminal shows (starting, replaying, draining...).</summary>
    public string Phase { get; set; } = "starting";

    /// <summary>Set once the replay starts.</summary>
    /// <param name="total">Updates to send.</param>
    public void Start(long total)
    {
        Interlocked.Exchange(ref _total, total);
        Interlocked.Exchange(ref _startTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
        Phase = "replaying";
    }

    /// <summary>Sets the counters.</summary>
    /// <param name="sent">Updates sent.</param>
    /// <param name="written">Predictions written.</param>
    /// <param name="mae">Running MAE.</param>
    public void Report(long sent, long written, double mae)
    {
        Interlocked.Exchange(ref _sent, sent);
        Interlocked.Exchange(ref _written, written);
        Volatile.Write(ref _mae, mae);
    }
}
