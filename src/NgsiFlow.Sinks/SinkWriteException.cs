namespace NgsiFlow.Sinks;

/// <summary>
/// A sink could not write a batch: the destination refused it for good (bad credentials, unknown database,
/// type conflict, unroutable message...) or it stayed unreachable through every retry.
/// </summary>
public sealed class SinkWriteException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SinkWriteException()
        : this("The sink could not write the batch.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SinkWriteException(string message)
        : base(message)
    {
        SinkName = string.Empty;
        SinkType = string.Empty;
        Target = string.Empty;
        Cause = message;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The destination's error.</param>
    public SinkWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
        SinkName = string.Empty;
        SinkType = string.Empty;
        Target = string.Empty;
        Cause = message;
    }

    /// <summary>Creates the exception for a named sink.</summary>
    /// <param name="sinkType">The kind of sink (<c>InfluxDB</c>, <c>PostgreSQL</c>, <c>RabbitMQ</c>).</param>
    /// <param name="sinkName">The sink's configured name.</param>
    /// <param name="target">The destination (database, table, exchange...).</param>
    /// <param name="cause">The destination's explanation.</param>
    /// <param name="records">How many records the failed batch held.</param>
    /// <param name="attempts">How many attempts were made.</param>
    /// <param name="isTransient">Whether the failure was transient and the sink ran out of retries.</param>
    /// <param name="innerException">The destination's error.</param>
    public SinkWriteException(string sinkType, string sinkName, string target, string cause, int records, int attempts, bool isTransient, Exception? innerException)
        : base(Format(sinkType, sinkName, target, cause, records, attempts, isTransient), innerException)
    {
        SinkType = sinkType;
        SinkName = sinkName;
        Target = target;
        Cause = cause;
        Attempts = attempts;
        IsTransient = isTransient;
    }

    /// <summary>The kind of sink (<c>InfluxDB</c>, <c>PostgreSQL</c>, <c>RabbitMQ</c>).</summary>
    public string SinkType { get; }

    /// <summary>The sink's configured name.</summary>
    public string SinkName { get; }

    /// <summary>The destination: database, table, exchange and routing key...</summary>
    public string Target { get; }

    /// <summary>The destination's explanation of the failure.</summary>
    public string Cause { get; }

    /// <summary>How many attempts the sink made.</summary>
    public int Attempts { get; }

    /// <summary>True when the destination stayed unreachable through every retry; false for a permanent refusal.</summary>
    public bool IsTransient { get; }

    private static string Format(string sinkType, string sinkName, string target, string cause, int records, int attempts, bool isTransient)
    {
        var why = isTransient ? $"still failing after {attempts} attempt(s)" : "permanent failure";
        return $"{sinkType} sink '{sinkName}' could not write {records} record(s) to {target} ({why}): {cause}";
    }
}
