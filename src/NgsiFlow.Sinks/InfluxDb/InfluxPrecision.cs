namespace NgsiFlow.Sinks.InfluxDb;

/// <summary>The timestamp precision sent as the <c>precision</c> parameter of <c>/write</c>.</summary>
public enum InfluxPrecision
{
    /// <summary>Nanoseconds (<c>ns</c>), InfluxDB's native precision.</summary>
    Nanoseconds,

    /// <summary>Microseconds (<c>u</c>).</summary>
    Microseconds,

    /// <summary>Milliseconds (<c>ms</c>).</summary>
    Milliseconds,

    /// <summary>Seconds (<c>s</c>).</summary>
    Seconds,
}
