using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>One file of the page, embedded in the assembly so that the dashboard works offline and from a single binary.</summary>
internal sealed record StaticAsset(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>The page's files (<c>wwwroot/**</c>), read once from the assembly's embedded resources.</summary>
internal static class StaticAssets
{
    private const string Prefix = "wwwroot/";
    private static readonly Lazy<IReadOnlyDictionary<string, StaticAsset>> Assets = new(Load);

    /// <summary>The assets by path relative to the dashboard's root, such as <c>vendor/uplot/uPlot.iife.min.js</c>.</summary>
    public static IReadOnlyDictionary<string, StaticAsset> All => Assets.Value;

    private static Dictionary<string, StaticAsset> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var result = new Dictionary<string, StaticAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var content = memory.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            if (!types.TryGetContentType(path, out var contentType))
            {
                contentType = "text/plain";
            }

            if (contentType.StartsWith("text/", StringComparison.Ordinal) || contentType == "application/json")
            {
                contentType += "; charset=utf-8";
            }

            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8)) + "\"";
            result[path] = new StaticAsset(path, content, contentType, etag);
        }

        return result;
    }
}
