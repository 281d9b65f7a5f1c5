namespace NgsiFlow.Engine;

/// <summary>A stream job stopped because an operator failed (with <see cref="ErrorOutcome.Fail"/>) or was misconfigured.</summary>
public sealed class StreamJobException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamJobException()
        : base("The stream job failed.")
    {
        Job = string.Empty;
        Stage = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public StreamJobException(string message)
        : base(message)
    {
        Job = string.Empty;
        Stage = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StreamJobException(string message, Exception innerException)
        : base(message, innerException)
    {
        Job = string.Empty;
        Stage = string.Empty;
    }

    /// <summary>Creates the exception for an operator of a job.</summary>
    /// <param name="job">The job.</param>
    /// <param name="stage">The operator.</param>
    /// <param name="reason">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StreamJobException(string job, string stage, string reason, Exception? innerException)
        : base($"Stream job '{job}', operator '{stage}': {reason}", innerException)
    {
        Job = job;
        Stage = stage;
    }

    /// <summary>The job's name.</summary>
    public string Job { get; }

    /// <summary>The failing operator's name.</summary>
    public string Stage { get; }
}
