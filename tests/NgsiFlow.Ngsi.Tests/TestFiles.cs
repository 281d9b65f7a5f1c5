namespace NgsiFlow.Ngsi.Tests;

/// <summary>Loads the golden notifications copied into TestData (see TestData/SOURCES.md).</summary>
internal static class TestFiles
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path.Combine(Root, relative));

    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(Root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".http", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f))
            .Order(StringComparer.Ordinal);

    /// <summary>Splits a raw HTTP request file into headers and body (or returns the bare JSON body).</summary>
    public static (NotificationHeaders Headers, byte[] Body) Load(string relative)
    {
        var bytes = Bytes(relative);
        if (!relative.EndsWith(".http", StringComparison.Ordinal))
        {
            return (new NotificationHeaders(), bytes);
        }

        var request = RawHttpRequest.Parse(bytes);
        return (request.Headers, request.Body);
    }
}
