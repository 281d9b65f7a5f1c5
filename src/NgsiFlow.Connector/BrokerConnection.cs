using System.Net;
using Microsoft.Extensions.Logging;
using NgsiFlow.Client;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// A context broker NgsiFlow subscribes to and writes back to: an <see cref="NgsiV2Client"/> or an
/// <see cref="NgsiLdClient"/> (authentication, OAuth2 token refresh and Polly retries come from the client's options).
/// </summary>
public sealed class BrokerConnection : IDisposable
{
    private readonly AttemptCounter _attempts;

    private BrokerConnection(string name, NgsiApi api, NgsiClientOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options.Validate();
        Name = name;
        Api = api;
        Options = options;
        _attempts = new AttemptCounter(name, new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            MaxConnectionsPerServer = options.MaxConnectionsPerServer,
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
        });
        if (api == NgsiApi.V2)
        {
            V2Client = new NgsiV2Client(options, _attempts, loggerFactory);
        }
        else
        {
            LdClient = new NgsiLdClient(options, _attempts, loggerFactory);
        }
    }

    /// <summary>A name for logs and metrics.</summary>
    public string Name { get; }

    /// <summary>The API family.</summary>
    public NgsiApi Api { get; }

    /// <summary>The client settings (base address, tenant, auth, retries).</summary>
    public NgsiClientOptions Options { get; }

    /// <summary>The broker's base address.</summary>
    public Uri BaseAddress => Options.BaseAddress!;

    /// <summary>The NGSI-v2 client (null for an LD broker).</summary>
    public NgsiV2Client? V2Client { get; }

    /// <summary>The NGSI-LD client (null for a v2 broker).</summary>
    public NgsiLdClient? LdClient { get; }

    /// <summary>The tenant and service path used when a request names none.</summary>
    public FiwareContext DefaultFiware => Options.Fiware ?? FiwareContext.Default;

    /// <summary>HTTP attempts repeated by the client's retry policy (5xx, 429, timeouts) since creation.</summary>
    public long Retries => _attempts.Retries;

    /// <summary>Connects to an NGSI-v2 broker.</summary>
    /// <param name="options">Base address, tenant, auth, retries.</param>
    /// <param name="name">A name for logs and metrics; the host and port by default.</param>
    /// <param name="loggerFactory">Loggers.</param>
    /// <returns>The connection.</returns>
    public static BrokerConnection V2(NgsiClientOptions options, string? name = null, ILoggerFactory? loggerFactory = null) =>
        new(name ?? options?.BaseAddress?.Authority ?? "broker", NgsiApi.V2, options!, loggerFactory);

    /// <summary>Connects to an NGSI-v2 broker at <paramref name="baseAddress"/> with default settings.</summary>
    /// <param name="baseAddress">For example <c>http://orion:1026/</c>.</param>
    /// <returns>The connection.</returns>
    public static BrokerConnection V2(Uri baseAddress) => V2(new NgsiClientOptions { BaseAddress = baseAddress });

    /// <summary>Connects to an NGSI-LD broker.</summary>
    /// <param name="options">Base address, tenant, auth, retries, default @context.</param>
    /// <param name="name">A name for logs and metrics; the host and port by default.</param>
    /// <param name="loggerFactory">Loggers.</param>
    /// <returns>The connection.</returns>
    public static BrokerConnection Ld(NgsiClientOptions options, string? name = null, ILoggerFactory? loggerFactory = null) =>
        new(name ?? options?.BaseAddress?.Authority ?? "broker", NgsiApi.Ld, options!, loggerFactory);

    /// <inheritdoc/>
    public void Dispose()
    {
        V2Client?.Dispose();
        LdClient?.Dispose();
        _attempts.Dispose();
    }

    internal Task<NgsiRawResponse> SendAsync(HttpMethod method, string path, ReadOnlyMemory<byte> body, string contentType, FiwareContext? fiware, CancellationToken cancellationToken)
    {
        var safe = WriteSafety.IsSafeToRepeat(method, path);
        return V2Client is { } v2
            ? v2.SendAsync(method, path, body, contentType, safe, fiware, cancellationToken)
            : LdClient!.SendAsync(method, path, body, contentType, safe, fiware, cancellationToken);
    }
}
