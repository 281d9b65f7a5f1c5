using System.Buffers;
using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>Runs a write action into a buffer writer or a fresh byte array.</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write<TState>(IBufferWriter<byte> output, TState state, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new Utf8JsonWriter(output, Options);
        write(writer, state);
        writer.Flush();
    }

    public static byte[] ToBytes<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, state, write);
        return buffer.WrittenSpan.ToArray();
    }
}
