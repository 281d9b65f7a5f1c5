namespace NgsiFlow.Jobs;

/// <summary>A job file could not be loaded: every error found, each with its position and field.</summary>
public sealed class JobFileException : Exception
{
    /// <summary>Creates the exception from the errors found (at least one).</summary>
    /// <param name="errors">The errors, in file order.</param>
    public JobFileException(IReadOnlyList<JobFileError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception for one error.</summary>
    /// <param name="error">The error.</param>
    public JobFileException(JobFileError error)
        : this([error])
    {
    }

    /// <summary>The errors, in file order.</summary>
    public IReadOnlyList<JobFileError> Errors { get; }

    private static string Format(IReadOnlyList<JobFileError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A job file exception needs at least one error.", nameof(errors));
        }

        return string.Join(Environment.NewLine, errors);
    }
}
