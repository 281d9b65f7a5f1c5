namespace NgsiFlow.Jobs;

/// <summary>One thing wrong with a job file, where it is.</summary>
/// <param name="File">The job file's path as given.</param>
/// <param name="Line">The line (1-based), or 0 when the error is about the whole file.</param>
/// <param name="Column">The column (1-based), or 0.</param>
/// <param name="Field">The field, as <c>features[2].attribute</c>; empty for the document itself.</param>
/// <param name="Message">What is wrong, with a suggestion when one is close.</param>
public sealed record JobFileError(string File, int Line, int Column, string Field, string Message)
{
    /// <summary>The error as compilers print them: <c>job.yaml:12:5: features[2].attribute: message</c>.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Field.Length > 0 ? $"{where}: {Field}: {Message}" : $"{where}: {Message}";
    }
}
