namespace NgsiFlow.Cli.Demo;

/// <summary>Finds the repository's files (models, data) from wherever the command runs: a clone's build output or its root.</summary>
internal static class DemoPaths
{
    /// <summary>The first existing <paramref name="relativePath"/> beside the program, in a folder above it, or above the working directory.</summary>
    /// <param name="relativePath">A path relative to the repository root, with forward slashes.</param>
    /// <returns>The full path, or null when nowhere to be found.</returns>
    public static string? Find(string relativePath)
    {
        var relative = relativePath.Replace('/', Path.DirectorySeparatorChar);
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The given file (which must exist) or the repository's default one.</summary>
    /// <param name="given">The path from the command line, if any.</param>
    /// <param name="defaultRelativePath">The repository file.</param>
    /// <param name="what">What the file is, for the error.</param>
    /// <param name="option">The option that overrides it, for the error.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="DemoException">The file is missing.</exception>
    public static string Resolve(string? given, string defaultRelativePath, string what, string option)
    {
        if (given is not null)
        {
            return File.Exists(given)
                ? Path.GetFullPath(given)
                : throw new DemoException($"The {what} file '{given}' does not exist ({option}).");
        }

        return Find(defaultRelativePath)
            ?? throw new DemoException($"The {what} file '{defaultRelativePath}' was not found beside the program, above it, or above the working directory; run from a clone of the repository or give {option} PATH.");
    }
}
