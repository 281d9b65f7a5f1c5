using NgsiFlow.Jobs.Internal;

namespace NgsiFlow.Jobs;

/// <summary>
/// Reads job files (YAML or JSON, see docs/jobs.md): the document is checked against docs/job.schema.json, then each
/// section against what a schema cannot say (a window's size, a feature's one source, an existing model file). Every
/// error found is reported at once, each with file, line, column and field.
/// </summary>
public static class JobFile
{
    /// <summary>The JSON Schema of job files (the text of docs/job.schema.json), for editors and tools.</summary>
    public static string Schema => SchemaCheck.Text;

    /// <summary>Reads the job file at <paramref name="path"/>; relative paths inside it are taken from its directory.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The job.</returns>
    /// <exception cref="JobFileException">The file cannot be read, or holds errors.</exception>
    public static JobSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new JobFileException(new JobFileError(path, 0, 0, string.Empty, $"cannot read the job file: {e.Message}"));
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory());
    }

    /// <summary>Reads a job from <paramref name="text"/>.</summary>
    /// <param name="text">The YAML or JSON document.</param>
    /// <param name="file">The name errors give for it.</param>
    /// <param name="baseDirectory">Where relative paths (the model) are taken from.</param>
    /// <returns>The job.</returns>
    /// <exception cref="JobFileException">The document holds errors.</exception>
    public static JobSpec Parse(string text, string file, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new JobFileException(new JobFileError(file, 0, 0, string.Empty, "the file holds NUL characters: is it a binary file?"));
        }

        var document = YamlDocument.Parse(text, file);
        if (document.Root is not System.Text.Json.Nodes.JsonObject)
        {
            var (line, column) = document.ValueAt(string.Empty);
            throw new JobFileException(new JobFileError(file, line, column, string.Empty, $"a job file is an object of sections (name, broker, subscribe, model...), found {SchemaCheck.Show(document.Root)}"));
        }

        var errors = SchemaCheck.Validate(document);
        if (errors.Count > 0)
        {
            throw new JobFileException(errors);
        }

        var reader = new SpecReader(document);
        var spec = SpecBinder.Bind(document, baseDirectory, reader);
        if (reader.Errors.Count > 0)
        {
            throw new JobFileException([.. reader.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        return spec;
    }
}
