using System.Text;
using System.Text.Json;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard.Tests;

/// <summary>Reads the parts of a frame the tests look at.</summary>
internal static class FrameJson
{
    public static JsonElement Parse(Frame frame) => JsonDocument.Parse(frame.Json).RootElement;

    public static JsonElement? Panel(JsonElement frame, string id)
    {
        if (!frame.TryGetProperty("panels", out var panels))
        {
            return null;
        }

        foreach (var p in panels.EnumerateArray())
        {
            if (p.GetProperty("id").GetString() == id)
            {
                return p;
            }
        }

        return null;
    }

    public static double[][] Points(JsonElement panel) =>
        panel.GetProperty("points").EnumerateArray()
            .Select(p => p.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray())
            .ToArray();

    public static string Text(Frame frame) => Encoding.UTF8.GetString(frame.Json);
}
