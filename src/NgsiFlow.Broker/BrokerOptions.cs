using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

namespace NgsiFlow.Broker;

/// <summary>Settings of an embedded context broker; <see cref="Validate"/> runs at start.</summary>
public sealed class BrokerOptions
{
    /// <summary>TCP port to listen on; 0 picks a free port (read it back from <see cref="ContextBroker.BaseAddress"/>). Default 1026, Orion's.</summary>
    public int Port { get; set; } = 1026;

    /// <summary>Address to listen on. Default loopback; use <see cref="IPAddress.Any"/> to serve other machines.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Where data lives. Default <see cref="BrokerStoreKind.Memory"/>.</summary>
    public BrokerStoreKind Store { get; set; } = BrokerStoreKind.Memory;

    /// <summary>Npgsql connection string; required with <see cref="BrokerStoreKind.Postgres"/>.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Largest accepted request payload in bytes. Default 1 MB, Orion's limit.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Open connections at most; further ones wait in the accept queue. Default 10,000.</summary>
    public int MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>How long a client may take to send a request's headers before the connection is closed (slow or
    /// idle clients, slowloris). Default 10 s.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The slowest a request body may arrive, after a 5 s grace, before the connection is closed; 0 for no
    /// minimum. Default 240 bytes/s.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Requests served on one keep-alive connection before the answer closes it (the client reconnects, so
    /// a load balancer can rebalance); 0 for no limit. Default 0.</summary>
    public int MaxRequestsPerConnection { get; set; }

    /// <summary>Notifications a subscription may have waiting; when full, new ones are dropped and counted. Default 100,000.</summary>
    public int NotificationQueueCapacity { get; set; } = 100_000;

    /// <summary>
    /// Concurrent senders (keep-alive connections) per subscription. Default 8. The notifications about one entity
    /// always go through the same sender, so they arrive in the order of the entity's updates.
    /// </summary>
    public int NotificationSendersPerSubscription { get; set; } = 8;

    /// <summary>
    /// Queued notifications to one plain-http receiver sent pipelined on one keep-alive connection. 1 (the default)
    /// sends them one by one, as Orion does, which every receiver handles; raise it only for receivers known to answer
    /// pipelined HTTP/1.1 requests correctly (Kestrel, NgsiFlow's receiver): many HTTP servers stall on them.
    /// </summary>
    public int NotificationPipelineDepth { get; set; } = 1;

    /// <summary>Notification requests in flight across all subscriptions. Default 128.</summary>
    public int MaxConcurrentNotifications { get; set; } = 128;

    /// <summary>Time allowed to deliver one notification before it counts as failed. Default 5 s (Orion's httpTimeout).</summary>
    public TimeSpan NotificationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a forwarded query or update may take before the context provider counts as not answering (Orion's
    /// <c>-httpTimeout</c> for forwards).
    /// </summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most forwarded requests one client request may cause (Orion's <c>-cprForwardLimit</c>); 0 disables forwarding.</summary>
    public int ForwardLimit { get; set; } = 1000;

    /// <summary>
    /// The origin allowed to make cross-origin requests (Orion's <c>-corsOrigin</c>): one origin, or <c>__ALL</c> for any;
    /// null (the default) turns CORS off, and then <c>OPTIONS</c> is a 405 as in Orion.
    /// </summary>
    public string? CorsOrigin { get; set; }

    /// <summary>How long, in seconds, a browser may cache a preflight answer (Orion's <c>-corsMaxAge</c>); default 86400.</summary>
    public int CorsMaxAgeSeconds { get; set; } = 86_400;

    /// <summary>Whether <c>GET /statistics</c> counts requests per resource and method (Orion's <c>-statCounters</c>); off by default.</summary>
    public bool StatisticsCounters { get; set; }

    /// <summary>Logging; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>How often expired transient entities (<c>dateExpires</c> in the past) are deleted; default 1 s (Orion: 60 s).</summary>
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Middleware put in front of the NGSI API, such as the Prometheus scrape endpoint
    /// (<c>NgsiFlowTelemetry.Endpoint</c>): it handles what it recognises and passes the rest on.
    /// </summary>
    public Func<Microsoft.AspNetCore.Http.RequestDelegate, Microsoft.AspNetCore.Http.RequestDelegate>? Middleware { get; set; }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every bad value, each with what was wrong.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (ExpiryInterval < TimeSpan.FromMilliseconds(10) || ExpiryInterval > TimeSpan.FromHours(1))
        {
            errors.Add(Invariant($"BrokerOptions.ExpiryInterval must be between 10 ms and 1 hour (was {ExpiryInterval})."));
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add(Invariant($"BrokerOptions.Port must be between 0 and 65535 (was {Port})."));
        }

        if (MaxConcurrentConnections is < 1 or > 1_000_000)
        {
            errors.Add(Invariant($"BrokerOptions.MaxConcurrentConnections must be between 1 and 1000000 (was {MaxConcurrentConnections})."));
        }

        if (RequestHeadersTimeout < TimeSpan.FromMilliseconds(100) || RequestHeadersTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add(Invariant($"BrokerOptions.RequestHeadersTimeout must be between 100 ms and 10 minutes (was {RequestHeadersTimeout})."));
        }

        if (MinRequestBodyBytesPerSecond < 0 || double.IsNaN(MinRequestBodyBytesPerSecond))
        {
            errors.Add(Invariant($"BrokerOptions.MinRequestBodyBytesPerSecond must not be negative (was {MinRequestBodyBytesPerSecond})."));
        }

        if (MaxRequestsPerConnection < 0)
        {
            errors.Add(Invariant($"BrokerOptions.MaxRequestsPerConnection must not be negative (was {MaxRequestsPerConnection})."));
        }

        if (ListenAddress is null)
        {
            errors.Add("BrokerOptions.ListenAddress must be set.");
        }

        if (!Enum.IsDefined(Store))
        {
            errors.Add(Invariant($"BrokerOptions.Store must be Memory or Postgres (was {(int)Store})."));
        }

        if (Store == BrokerStoreKind.Postgres && string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            errors.Add("BrokerOptions.PostgresConnectionString is required when Store is Postgres.");
        }

        if (Store == BrokerStoreKind.Postgres && !string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(PostgresConnectionString);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"BrokerOptions.PostgresConnectionString is not a valid connection string: {ex.Message}");
            }
        }

        if (CorsOrigin is { } origin && (origin.Length == 0 || origin.Any(char.IsWhiteSpace)))
        {
            errors.Add($"BrokerOptions.CorsOrigin must be an origin such as https://dashboard.example or __ALL (was '{origin}').");
        }

        if (CorsMaxAgeSeconds < 0)
        {
            errors.Add(Invariant($"BrokerOptions.CorsMaxAgeSeconds must not be negative (was {CorsMaxAgeSeconds})."));
        }

        if (MaxPayloadBytes < 1024)
        {
            errors.Add(Invariant($"BrokerOptions.MaxPayloadBytes must be at least 1024 (was {MaxPayloadBytes})."));
        }

        if (NotificationQueueCapacity < 1)
        {
            errors.Add(Invariant($"BrokerOptions.NotificationQueueCapacity must be at least 1 (was {NotificationQueueCapacity})."));
        }

        if (NotificationSendersPerSubscription is < 1 or > 1024)
        {
            errors.Add(Invariant($"BrokerOptions.NotificationSendersPerSubscription must be between 1 and 1024 (was {NotificationSendersPerSubscription})."));
        }

        if (NotificationPipelineDepth is < 1 or > 1024)
        {
            errors.Add(Invariant($"BrokerOptions.NotificationPipelineDepth must be between 1 and 1024 (was {NotificationPipelineDepth})."));
        }

        if (MaxConcurrentNotifications is < 1 or > 10_000)
        {
            errors.Add(Invariant($"BrokerOptions.MaxConcurrentNotifications must be between 1 and 10000 (was {MaxConcurrentNotifications})."));
        }

        if (NotificationTimeout <= TimeSpan.Zero || NotificationTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add(Invariant($"BrokerOptions.NotificationTimeout must be positive and at most 10 minutes (was {NotificationTimeout})."));
        }

        if (ForwardTimeout <= TimeSpan.Zero || ForwardTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add(Invariant($"BrokerOptions.ForwardTimeout must be positive and at most 10 minutes (was {ForwardTimeout})."));
        }

        if (ForwardLimit < 0)
        {
            errors.Add(Invariant($"BrokerOptions.ForwardLimit must be 0 (no forwarding) or more (was {ForwardLimit})."));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
