namespace NgsiFlow.Sinks.Files;

/// <summary>Options of the CSV and JSON-lines file sources.</summary>
public class FileSourceOptions
{
    /// <summary>The source's name in errors, logs and metrics. Defaults to the file name.</summary>
    public string? Name { get; set; }

    /// <summary>What to do with a row that cannot be read. Default <see cref="BadRecordHandling.Stop"/>.</summary>
    public BadRecordHandling OnBadRecord { get; set; } = BadRecordHandling.Stop;

    /// <summary>
    /// Skip records starting at or before this line: pass a previous run's <c>Checkpoint</c> to resume a replay.
    /// Default 0 (read everything).
    /// </summary>
    public long StartAfterLine { get; set; }

    /// <summary>Adds one message per invalid value to <paramref name="errors"/>.</summary>
    /// <param name="errors">Collects the problems found.</param>
    protected virtual void Validate(ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (StartAfterLine < 0)
        {
            errors.Add($"StartAfterLine must not be negative (was {StartAfterLine}).");
        }

        if (!Enum.IsDefined(OnBadRecord))
        {
            errors.Add($"OnBadRecord '{OnBadRecord}' is not one of Stop, Reject.");
        }

        if (Name is not null && string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("Name must not be blank.");
        }
    }

    internal void ValidateOrThrow(string kind, string path)
    {
        var errors = new List<string>();
        Validate(errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {kind} source options for '{path}': {string.Join(" ", errors)}");
        }
    }
}
