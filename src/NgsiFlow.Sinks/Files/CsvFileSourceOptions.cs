namespace NgsiFlow.Sinks.Files;

/// <summary>How a <see cref="CsvFileSource{T}"/> reads its file (RFC 4180 quoting).</summary>
public sealed class CsvFileSourceOptions : FileSourceOptions
{
    /// <summary>The field separator. Default <c>,</c>.</summary>
    public char Delimiter { get; set; } = ',';

    /// <summary>Whether the first line names the columns (then rows can be read by column name). Default true.</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>Whether every row must have as many fields as the header (or as the first row). Default true.</summary>
    public bool RequireSameFieldCount { get; set; } = true;

    /// <inheritdoc />
    protected override void Validate(ICollection<string> errors)
    {
        base.Validate(errors);
        if (Delimiter is '"' or '\r' or '\n')
        {
            errors.Add($"Delimiter must not be a quote or a line break (was '{Delimiter}').");
        }
    }
}
