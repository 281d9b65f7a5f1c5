namespace NgsiFlow.Testing;

/// <summary>Locations tests need: the repository root and the shared fixtures beside it.</summary>
internal static class TestPaths
{
    /// <summary>The repository root (the folder holding NgsiFlow.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>A path under the repository root.</summary>
    public static string InRepository(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NgsiFlow.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"NgsiFlow.slnx not found above {AppContext.BaseDirectory}.");
    }
}
