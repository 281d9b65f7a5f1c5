using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NgsiFlow.Testing;

namespace NgsiFlow.Cluster.Tests;

/// <summary>
/// Subscribes to the broker for every change of the written-back <c>sumCount</c> and records, per entity, the values
/// in the order the broker notified them (the broker sends them one at a time), i.e. the order of the write-backs.
/// </summary>
internal sealed class WriteBackObserver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, List<long>> _seen = new(StringComparer.Ordinal);
    private readonly Task _loop;

    private WriteBackObserver(int port)
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
        Url = new Uri($"http://127.0.0.1:{port}/writebacks");
    }

    public Uri Url { get; }

    public static async Task<WriteBackObserver> StartAsync(HttpClient broker)
    {
        var observer = new WriteBackObserver(FreePort.Next());
        var subscription = new
        {
            description = "test: write-back observer",
            subject = new { entities = new[] { new { idPattern = ".*", type = "Sensor" } }, condition = new { attrs = new[] { "sumCount" } } },
            notification = new { http = new { url = observer.Url.ToString() }, attrs = new[] { "sumCount" }, attrsFormat = "keyValues" },
        };
        using var response = await broker.PostAsJsonAsync("v2/subscriptions", subscription);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return observer;
    }

    public IReadOnlyList<long> Of(string entity)
    {
        if (!_seen.TryGetValue(entity, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var document = await JsonDocument.ParseAsync(context.Request.InputStream))
            {
                foreach (var entity in document.RootElement.GetProperty("data").EnumerateArray())
                {
                    if (entity.TryGetProperty("sumCount", out var count) && count.ValueKind == JsonValueKind.Number)
                    {
                        var list = _seen.GetOrAdd(entity.GetProperty("id").GetString()!, _ => []);
                        lock (list)
                        {
                            list.Add((long)count.GetDouble());
                        }
                    }
                }
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
