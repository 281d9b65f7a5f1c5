using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace NgsiFlow.Client.Tests.Infrastructure;

/// <summary>A request as the client put it on the wire.</summary>
public sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? ContentType, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? Query(string name)
    {
        foreach (var part in Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (Uri.UnescapeDataString(pair[0]) == name)
            {
                return pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : string.Empty;
            }
        }

        return null;
    }
}

/// <summary>
/// The HTTP boundary for tests without a real server: records every request and answers from a queue of
/// canned responses (the last one repeats).
/// </summary>
public sealed class RecordingHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpResponseMessage>> _answers = new();
    private Func<HttpResponseMessage>? _last;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public RecordedRequest Single => Requests.ShouldHaveSingleItem();

    public RecordingHandler Answer(HttpStatusCode status, string? body = null, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        _answers.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status);
            if (body is not null)
            {
                response.Content = new StringContent(body, Encoding.UTF8, contentType);
            }

            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        });
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(request.Method.Method, request.RequestUri!, headers, request.Content?.Headers.ContentType?.ToString(), body));
        if (_answers.TryDequeue(out var next))
        {
            _last = next;
        }

        var answer = _last ?? throw new InvalidOperationException("No answer queued.");
        var response = answer();
        response.RequestMessage = request;
        return response;
    }
}

/// <summary>Reads test data copied next to the test assembly.</summary>
public static class TestData
{
    public static string Read(params string[] parts) => File.ReadAllText(Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]));
}
