using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Connector.Internal;

namespace NgsiFlow.Connector;

/// <summary>
/// The notification endpoint: a Kestrel server that accepts NGSI-v2 and NGSI-LD notifications, routes each to the
/// job registered for it (by path <c>/notify/{job}[/{subscription}]</c> or by the body's subscription id on
/// <c>/notify</c>), splits it into per-entity <see cref="NgsiEvent"/>s and hands them to the job's
/// <see cref="INotificationTarget"/>. It answers 2xx only once the target owns the events.
/// </summary>
/// <example>
/// <code>
/// await using var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 9100 }, ct);
/// var route = receiver.AddJob("concrete", new StreamInputTarget(job.Input&lt;NgsiEvent&gt;()));
/// Console.WriteLine(route.NotifyUrl);   // http://127.0.0.1:9100/notify/concrete
/// </code>
/// </example>
public sealed partial class NgsiReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ReceiverRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ReceiverRoute>.AlternateLookup<ReadOnlySpan<char>> _routeLookup;
    private readonly ConcurrentDictionary<string, ReceiverRoute> _byId = new(StringComparer.Ordinal);
    private readonly RouteCounters _counters = new();
    private readonly ReceiverOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly byte[]? _bearer;
    private readonly byte[]? _secret;
    private readonly string _retryAfter;
    private WebApplication? _app;
    private Uri _publicBase = new("http://127.0.0.1/");
    private int _state;

    private NgsiReceiver(ReceiverOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NgsiFlow.Connector.Receiver");
        _routeLookup = _routes.GetAlternateLookup<ReadOnlySpan<char>>();
        _bearer = options.BearerToken is { } t ? System.Text.Encoding.UTF8.GetBytes(t) : null;
        _secret = options.SharedSecret is { } s ? System.Text.Encoding.UTF8.GetBytes(s) : null;
        _retryAfter = ((long)Math.Ceiling(options.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The address the server listens on (with the port actually bound).</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The base URL written into subscriptions: <see cref="ReceiverOptions.PublicBaseUrl"/> or <see cref="BaseAddress"/>.</summary>
    public Uri PublicBaseUrl => _publicBase;

    /// <summary>The settings the receiver runs with.</summary>
    public ReceiverOptions Options => _options;

    /// <summary>The jobs registered, by name.</summary>
    public IReadOnlyDictionary<string, ReceiverRoute> Routes => _routes;

    /// <summary>Validates <paramref name="options"/>, binds the port and starts serving.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Aborts the start.</param>
    /// <returns>The running receiver.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">The port is in use.</exception>
    public static async Task<NgsiReceiver> StartAsync(ReceiverOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var receiver = new NgsiReceiver(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(options.LoggerFactory ?? NullLoggerFactory.Instance);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.DrainTimeout);
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = options.InlineScheduling);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // The receiver enforces its own limit so that the 413 carries an Orion-style body.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxRequestBufferSize = Math.Max(1024 * 1024, Math.Min(options.MaxBodyBytes + 65_536, int.MaxValue));
            kestrel.Limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = options.MinRequestBodyBytesPerSecond > 0 ? new MinDataRate(options.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5)) : null;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
            kestrel.Listen(options.ListenAddress, options.Port, listen =>
            {
                if (options.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            });
            options.ConfigureKestrel?.Invoke(kestrel);
        });
        var app = builder.Build();
        app.Run(receiver.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The receiver cannot listen on {options.ListenAddress}:{options.Port}: {e.Message}", e);
        }

        receiver._app = app;
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var host = options.ListenAddress.Equals(IPAddress.Any) ? "127.0.0.1"
            : options.ListenAddress.Equals(IPAddress.IPv6Any) ? "[::1]"
            : options.ListenAddress.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{options.ListenAddress}]" : options.ListenAddress.ToString();
        receiver.BaseAddress = new Uri($"{(options.Certificate is null ? "http" : "https")}://{host}:{bound.Port}/");
        receiver._publicBase = options.PublicBaseUrl is { } pub ? new Uri(pub.ToString().TrimEnd('/') + "/") : receiver.BaseAddress;
        ReceiverLog.Started(receiver._logger, receiver.BaseAddress, receiver._publicBase);
        return receiver;
    }

    /// <summary>Registers a job: notifications for it go to <paramref name="target"/>.</summary>
    /// <param name="job">The job's name, URL-safe (letters, digits, '.', '_', '-').</param>
    /// <param name="target">Where its events go (a <see cref="StreamInputTarget"/> in one process).</param>
    /// <returns>The job's route (URLs, subscription mapping, counters).</returns>
    /// <exception cref="ArgumentException">The name is not URL-safe.</exception>
    /// <exception cref="InvalidOperationException">A job with that name is registered already.</exception>
    public ReceiverRoute AddJob(string job, INotificationTarget target)
    {
        CheckName(job, nameof(job));
        ArgumentNullException.ThrowIfNull(target);
        var route = new ReceiverRoute(this, job, target);
        if (!_routes.TryAdd(job, route))
        {
            throw new InvalidOperationException($"The receiver already has a job named '{job}'.");
        }

        return route;
    }

    /// <summary>Unregisters a job; its paths and subscription ids answer 404 afterwards.</summary>
    /// <param name="job">The job's name.</param>
    /// <returns>True when it was registered.</returns>
    public bool RemoveJob(string job)
    {
        if (!_routes.TryRemove(job, out var route))
        {
            return false;
        }

        route.UnmapAll();
        return true;
    }

    /// <summary>The receiver's counters since start, over all routes (including requests for unknown routes).</summary>
    /// <returns>A snapshot.</returns>
    public ReceiverStatistics GetStatistics() => _counters.Snapshot();

    /// <summary>
    /// Stops gracefully: stops accepting connections and waits (up to <see cref="ReceiverOptions.DrainTimeout"/>) for
    /// requests in flight, whose events reach their targets. Stop jobs after this, so that they drain those events.
    /// </summary>
    /// <param name="cancellationToken">Cuts the wait short.</param>
    /// <returns>Completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0 || _app is null)
        {
            return;
        }

        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        ReceiverLog.Stopped(_logger, BaseAddress);
    }

    /// <summary>Stops (gracefully) and releases the server.</summary>
    /// <returns>Completes when released.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _state, 2) != 2 && _app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static void CheckName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                throw new ArgumentException($"'{name}' may contain only ASCII letters, digits, '.', '_' and '-' (it is a URL path segment).", parameter);
            }
        }
    }

    internal Uri PublicUrl(string job, string? subscription) =>
        new(_publicBase, _options.NotifyPath.TrimStart('/') + "/" + job + (subscription is null ? string.Empty : "/" + subscription));

    internal void MapId(string id, ReceiverRoute route)
    {
        var existing = _byId.GetOrAdd(id, route);
        if (!ReferenceEquals(existing, route))
        {
            throw new InvalidOperationException($"The subscription id '{id}' is already routed to job '{existing.Job}'.");
        }
    }

    internal bool UnmapId(string id, ReceiverRoute route) => _byId.TryRemove(new KeyValuePair<string, ReceiverRoute>(id, route));
}
