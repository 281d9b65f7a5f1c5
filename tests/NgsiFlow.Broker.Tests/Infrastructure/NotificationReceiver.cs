using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NgsiFlow.Broker.Tests.Infrastructure;

/// <summary>A real HTTP endpoint that records every notification it receives.</summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedNotification> _received = new();

    private NotificationReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Status code the receiver answers with.</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>
    /// How long the receiver takes to handle each notification before it records it (none by default), as a receiver
    /// that processes notifications side by side: of two requests in flight at once, the second may be recorded first.
    /// </summary>
    public Func<TimeSpan>? HandlingTime { get; set; }

    public IReadOnlyList<ReceivedNotification> Received => [.. _received];

    public static async Task<NotificationReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        NotificationReceiver? self = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (self!.HandlingTime is { } handling)
            {
                await Task.Delay(handling());
            }

            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            self._received.Enqueue(new ReceivedNotification(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));
            context.Response.StatusCode = self.StatusCode;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new NotificationReceiver(app, new Uri(new Uri(address), "/notify"));
        return self;
    }

    /// <summary>Waits until at least <paramref name="count"/> notifications arrived (fails the test after 10 s).</summary>
    public async Task<IReadOnlyList<ReceivedNotification>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (_received.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        _received.Count.ShouldBeGreaterThanOrEqualTo(count, "notifications received");
        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedNotification(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
