using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard;

/// <summary>
/// A small web server of its own that serves one <see cref="DashboardFeed"/>, for jobs that do not run in an
/// ASP.NET Core application. It does not take over Ctrl+C: stopping it is the caller's business.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private DashboardServer(WebApplication app, DashboardFeed feed, Uri baseAddress)
    {
        _app = app;
        Feed = feed;
        BaseAddress = baseAddress;
    }

    /// <summary>The page's address, such as <c>http://127.0.0.1:41234/</c>, with the port actually chosen.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The feed the server shows.</summary>
    public DashboardFeed Feed { get; }

    /// <summary>Starts a server for the feed and returns once it accepts connections.</summary>
    /// <param name="options">The settings; <see cref="DashboardServerOptions.Feed"/> is required.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    /// <exception cref="ArgumentException">A setting is wrong.</exception>
    /// <exception cref="DashboardPortInUseException">The port is taken by another program.</exception>
    public static async Task<DashboardServer> StartAsync(DashboardServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var feed = options.Feed!;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        // The default console lifetime would swallow the job's Ctrl+C.
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var address = options.Host switch
        {
            "*" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.Parse(options.Host),
        };
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (options.Host == "*")
            {
                // IPv6 and IPv4 where the machine has both, IPv4 alone otherwise.
                kestrel.ListenAnyIP(options.Port);
            }
            else
            {
                kestrel.Listen(address, options.Port);
            }
        });

        var app = builder.Build();
        app.MapNgsiFlowDashboard(feed, options.PathBase);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsAddressInUse(ex))
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new DashboardPortInUseException(options.Host, options.Port, ex);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var port = BoundPort(app) ?? options.Port;
        var host = options.Host switch
        {
            "*" => "localhost",
            _ when address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"[{address}]",
            _ => options.Host,
        };
        var path = options.PathBase.EndsWith('/') ? options.PathBase : options.PathBase + "/";
        return new DashboardServer(app, feed, new Uri($"http://{host}:{port}{path}"));
    }

    /// <summary>Stops the server; the feed keeps running (dispose it separately).</summary>
    /// <param name="cancellationToken">Cuts the graceful stop short.</param>
    /// <returns>A task that completes when the server stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server and releases it; the feed keeps running.</summary>
    /// <returns>A task that completes when the server stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static bool IsAddressInUse(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException || e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    private static int? BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        foreach (var a in addresses ?? [])
        {
            if (Uri.TryCreate(a.Replace("[::]", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return uri.Port;
            }
        }

        return null;
    }
}
