using System.Net;
using BenchmarkDotNet.Attributes;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Benchmarks.Client;

/// <summary>
/// What the client adds to a call (headers, retry and timeout pipeline, metrics, answer check) over a bare
/// HttpClient sending the same PATCH, both over a handler that answers 204 at once: the cost without the network.
/// </summary>
[MemoryDiagnoser]
public class ClientOverheadBenchmarks : IDisposable
{
    private readonly NoContentHandler _handler = new();
    private readonly NgsiV2Attribute[] _attributes = [new NgsiV2Attribute("temperature", 21.5, "Number")];
    private NgsiV2Client _client = null!;
    private HttpClient _bare = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = new Uri("http://orion.test:1026/") }, _handler);
        _bare = new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri("http://orion.test:1026/") };
    }

    [Benchmark(Baseline = true)]
    public async Task BareHttpClientPatch()
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, "v2/entities/urn%3ARoom%3A1/attrs")
        {
            Content = new ByteArrayContent(NgsiV2Writer.AttributesToBytes(_attributes)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await _bare.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    [Benchmark]
    public Task NgsiV2ClientPatch() => _client.UpdateAttributesAsync("urn:Room:1", _attributes);

    [GlobalCleanup]
    public void Dispose()
    {
        _client?.Dispose();
        _bare?.Dispose();
        _handler.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class NoContentHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request });
    }
}
