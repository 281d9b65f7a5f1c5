using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Broker.Internal;
using NgsiFlow.Broker.Internal.Api;
using NgsiFlow.Broker.Internal.Notifications;
using NgsiFlow.Broker.Internal.Store;

namespace NgsiFlow.Broker;

/// <summary>
/// An embedded, Orion-compatible NGSI-v2 context broker on Kestrel.
/// <code>
/// await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, ct);
/// var client = new HttpClient { BaseAddress = broker.BaseAddress };
/// </code>
/// </summary>
public sealed class ContextBroker : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IBrokerStore _store;
    private readonly NotificationDispatcher _dispatcher;
    private readonly BrokerCore _core;
    private readonly Meter _meter;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _expiry;
    private int _disposed;

    private ContextBroker(WebApplication app, IBrokerStore store, NotificationDispatcher dispatcher, BrokerCore core, Meter meter, Uri baseAddress, BrokerStoreKind kind, TimeSpan expiryInterval)
    {
        _app = app;
        _store = store;
        _dispatcher = dispatcher;
        _core = core;
        _meter = meter;
        BaseAddress = baseAddress;
        StoreKind = kind;
        _expiry = ExpireLoopAsync(expiryInterval, _stopping.Token);
    }

    /// <summary>The broker's root URL, e.g. <c>http://127.0.0.1:1026/</c>; NGSI-v2 lives under <c>v2/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The store this broker runs on.</summary>
    public BrokerStoreKind StoreKind { get; }

    /// <summary>Notifications delivered so far (any HTTP answer from the receiver counts, as in Orion).</summary>
    public long NotificationsSent => _dispatcher.Sent;

    /// <summary>Notifications that could not be delivered (connection refused, timeout).</summary>
    public long NotificationsFailed => _dispatcher.Failed;

    /// <summary>Queries and updates forwarded to context providers (registrations) so far.</summary>
    public long Forwarded => _core.Forwarder.Sent;

    /// <summary>Notifications dropped because their subscription's queue was full.</summary>
    public long NotificationsDropped => _dispatcher.Dropped;

    /// <summary>Notifications queued or in flight.</summary>
    public long NotificationsPending => _dispatcher.Pending;

    /// <summary>Attribute updates applied so far (all tenants).</summary>
    public long Updates => Interlocked.Read(ref _core.Updates);

    /// <summary>Starts a broker and returns once it accepts requests.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message lists each bad value).</exception>
    /// <exception cref="InvalidOperationException">The port is in use or PostgreSQL is unreachable.</exception>
    public static async Task<ContextBroker> StartAsync(BrokerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var adminLog = new Internal.Api.AdminLog();
        var meter = new Meter("NgsiFlow.Broker");
        IBrokerStore store = options.Store == BrokerStoreKind.Postgres ? new PostgresStore(options.PostgresConnectionString!) : new MemoryStore();
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or SocketException or TimeoutException)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            meter.Dispose();
            throw new InvalidOperationException($"PostgreSQL is unreachable with the given connection string: {ex.Message}", ex);
        }

        var dispatcher = new NotificationDispatcher(options, adminLog.Gate(loggerFactory.CreateLogger("NgsiFlow.Broker.Notifications")), meter);
        var forwarder = new Internal.Registrations.ContextForwarder(options.ForwardTimeout, options.ForwardLimit, options.MaxPayloadBytes, adminLog.Gate(loggerFactory.CreateLogger("NgsiFlow.Broker.Forwarding")));
        var core = new BrokerCore(store, dispatcher, forwarder);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        Internal.Api.BrokerHealth.Add(builder.Services, store);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = options.MinRequestBodyBytesPerSecond > 0 ? new MinDataRate(options.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5)) : null;
            kestrel.Listen(options.ListenAddress, options.Port);
        });
        var app = builder.Build();
        var api = new BrokerApi(core, options.MaxPayloadBytes, new Internal.Api.OrionCors(options.CorsOrigin, options.CorsMaxAgeSeconds), new Internal.Api.BrokerStatistics(options.StatisticsCounters, TimeProvider.System), adminLog, adminLog.Gate(loggerFactory.CreateLogger("NgsiFlow.Broker.Api")));
        if (options.MaxRequestsPerConnection > 0)
        {
            app.Use((context, next) =>
            {
                Internal.Api.ConnectionRequestLimit.Apply(context, options.MaxRequestsPerConnection);
                return next(context);
            });
        }

        if (options.Middleware is { } middleware)
        {
            app.Use(middleware);
        }

        app.UseRouting();
        api.Map(app);
        Internal.Api.BrokerHealth.Map(app);
        app.MapFallback(api.NotFoundAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await dispatcher.DisposeAsync().ConfigureAwait(false);
            forwarder.Dispose();
            await store.DisposeAsync().ConfigureAwait(false);
            meter.Dispose();
            throw new InvalidOperationException($"Cannot listen on {options.ListenAddress}:{options.Port}: the port is already in use ({ex.Message}).", ex);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var host = options.ListenAddress.Equals(IPAddress.Any) || options.ListenAddress.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
            : options.ListenAddress.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{options.ListenAddress}]" : options.ListenAddress.ToString();
        return new ContextBroker(app, store, dispatcher, core, meter, new Uri($"http://{host}:{port}/"), options.Store, options.ExpiryInterval);
    }

    /// <summary>Transient entities expired and deleted so far.</summary>
    public long EntitiesExpired => Interlocked.Read(ref _core.Expired);

    /// <summary>Deletes the transient entities whose <c>dateExpires</c> has passed, every interval, until disposed.</summary>
    private async Task ExpireLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _core.ExpireAsync(DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // A store that fails now is tried again at the next tick; the entities stay until then.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>Waits until every queued notification has been attempted; false when the timeout passed first.</summary>
    public Task<bool> WaitForNotificationsAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _dispatcher.DrainAsync(timeout, cancellationToken);

    /// <summary>Stops accepting requests, then stops the notification senders and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _expiry.ConfigureAwait(false);
        _stopping.Dispose();
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _dispatcher.DisposeAsync().ConfigureAwait(false);
        _core.Forwarder.Dispose();
        await _store.DisposeAsync().ConfigureAwait(false);
        _meter.Dispose();
    }
}
