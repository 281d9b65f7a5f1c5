using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace NgsiFlow.Connector.Tests;

/// <summary>A loopback HTTP endpoint that records every request and answers what the test tells it to.</summary>
internal sealed class RecordingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Recorded> _requests = new();

    private RecordingServer(WebApplication app, Func<Recorded, (int Status, string? Body, string? Location)> answer)
    {
        _app = app;
        Answer = answer;
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public Func<Recorded, (int Status, string? Body, string? Location)> Answer { get; set; }

    public IReadOnlyList<Recorded> Requests => [.. _requests];

    public static async Task<RecordingServer> StartAsync(Func<Recorded, (int Status, string? Body, string? Location)> answer)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        RecordingServer? server = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var recorded = new Recorded(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            server!._requests.Enqueue(recorded);
            var (status, answerBody, location) = server.Answer(recorded);
            context.Response.StatusCode = status;
            if (location is not null)
            {
                context.Response.Headers.Location = location;
            }

            if (answerBody is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answerBody);
            }
        });
        server = new RecordingServer(app, answer);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Recorded(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    }
}
