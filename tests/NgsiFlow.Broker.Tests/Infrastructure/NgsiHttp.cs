using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests.Infrastructure;

/// <summary>Small helpers to talk to the broker like a client of Orion does.</summary>
public static class NgsiHttp
{
    public static HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string? tenant = null, string? servicePath = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (tenant is not null)
        {
            request.Headers.Add("Fiware-Service", tenant);
        }

        if (servicePath is not null)
        {
            request.Headers.Add("Fiware-ServicePath", servicePath);
        }

        return request;
    }

    public static async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method, string path, string? json = null, string? tenant = null, string? servicePath = null)
    {
        using var request = Request(method, path, json, tenant, servicePath);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
