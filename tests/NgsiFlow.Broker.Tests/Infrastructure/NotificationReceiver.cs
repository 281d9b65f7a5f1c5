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
    private readonly ConcurrentQueue<ReceivedNotification> _received = new();
    private WebApplication? _app;

    private NotificationReceiver()
    {
    }

    public Uri Url { get; private set; } = null!;

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
        var self = new NotificationReceiver();
        var app = Build(0);
        self.Serve(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self.Url = new Uri(new Uri(address), "/notify");
        return self;
    }

    /// <summary>Stops listening, as a receiver that went down: the broker's connections to it are refused.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again on the same port after <see cref="StopAsync"/>.</summary>
    public async Task RestartAsync()
    {
        if (_app is not null)
        {
            return;
        }

        var app = Build(Url.Port);
        Serve(app);
        await app.StartAsync();
    }

    private static WebApplication Build(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        return builder.Build();
    }

    private void Serve(WebApplication app)
    {
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (HandlingTime is { } handling)
            {
                await Task.Delay(handling());
            }

            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _received.Enqueue(new ReceivedNotification(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));
            context.Response.StatusCode = StatusCode;
        });
        _app = app;
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

    public async ValueTask DisposeAsync() => await StopAsync();
}

public sealed record ReceivedNotification(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
