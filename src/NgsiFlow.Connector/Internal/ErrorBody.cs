using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NgsiFlow.Connector.Internal;

/// <summary>Writes Orion-style error answers: <c>{"error":"BadRequest","description":"..."}</c>.</summary>
internal static class ErrorBody
{
    public static Task WriteAsync(HttpResponse response, int status, string error, string description)
    {
        var body = new ArrayBufferWriter<byte>(128 + description.Length);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteString("description", description);
            writer.WriteEndObject();
        }

        // A Content-Length rather than chunked encoding: simpler for brokers' HTTP clients, and for load generators.
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.WrittenCount;
        return response.Body.WriteAsync(body.WrittenMemory).AsTask();
    }
}
