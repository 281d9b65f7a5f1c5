using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NgsiFlow.Connector.Internal;

/// <summary>Writes Orion-style error answers: <c>{"error":"BadRequest","description":"..."}</c>.</summary>
internal static class ErrorBody
{
    public static async Task WriteAsync(HttpResponse response, int status, string error, string description)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteString("description", description);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }
}
