namespace NgsiFlow.Sinks.Tests.Files;

/// <summary>A file with given content in a temp directory, deleted at the end of the test.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string content, string extension = ".csv")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ngsiflow-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
