namespace NgsiFlow.Cli.Tests.Infrastructure;

/// <summary>Test data copied next to the test assembly, and a scratch folder per test class.</summary>
internal static class TestFiles
{
    public static string Data(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);
}

/// <summary>A temporary folder removed on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ngsiflow-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean; nothing depends on it.
        }
    }
}
