using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

/// <summary>Recorded wire formats copied from the shared fixtures (see TestData/SOURCES.md).</summary>
internal static class TestFiles
{
    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", relative));

    public static RawHttpRequest Request(string relative) => RawHttpRequest.Parse(Bytes(relative));
}
