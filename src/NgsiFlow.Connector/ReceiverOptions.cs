using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace NgsiFlow.Connector;

/// <summary>Settings of an <see cref="NgsiReceiver"/>; validated by <see cref="Validate"/> at start.</summary>
public sealed class ReceiverOptions
{
    /// <summary>The default body limit: 8 MiB, Orion's default limit for what it sends (<c>-outReqMsgMaxSize</c>).</summary>
    public const long DefaultMaxBodyBytes = 8L * 1024 * 1024;

    /// <summary>Address to listen on. Loopback by default; use <see cref="IPAddress.Any"/> in a container.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Port to listen on; 0 picks a free one (read it back from <see cref="NgsiReceiver.BaseAddress"/>).</summary>
    public int Port { get; set; } = 9100;

    /// <summary>
    /// The base URL brokers use to reach this receiver, written into managed subscriptions. Set it when the receiver
    /// sits behind a proxy or in a container (for example <c>http://ngsiflow:9100/</c>); by default the listening
    /// address.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Path prefix of the notification endpoints: <c>{NotifyPath}/{job}</c>, <c>{NotifyPath}/{job}/{subscription}</c>
    /// and <c>{NotifyPath}</c> (routed by the body's subscription id). Default <c>/notify</c>.</summary>
    public string NotifyPath { get; set; } = "/notify";

    /// <summary>Path prefix of the ingest endpoints <c>{IngestPath}/{route}</c> (<see cref="NgsiReceiver.AddIngest"/>),
    /// which take any JSON records rather than NGSI notifications. Default <c>/ingest</c>.</summary>
    public string IngestPath { get; set; } = "/ingest";

    /// <summary>Largest accepted body in bytes; larger ones get 413. Default <see cref="DefaultMaxBodyBytes"/>.</summary>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>How long a request is held while the job's input is full before it gets 503. Default 2 s, below
    /// Orion's default notification timeout (5 s) so the broker sees the 503 rather than a timeout.</summary>
    public TimeSpan HoldTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The <c>Retry-After</c> sent with a 503. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When set, requests must carry <c>Authorization: Bearer {token}</c> (401 otherwise).</summary>
    public string? BearerToken { get; set; }

    /// <summary>Header name of a shared secret a broker adds through <c>httpCustom.headers</c>/<c>receiverInfo</c>
    /// (with <see cref="SharedSecret"/>), for example <c>X-NgsiFlow-Secret</c>.</summary>
    public string? SharedSecretHeader { get; set; }

    /// <summary>The shared secret's value; requests without it get 401.</summary>
    public string? SharedSecret { get; set; }

    /// <summary>Serve HTTPS with this certificate (it must hold its private key).</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Any further Kestrel configuration (limits, more endpoints, client certificates); runs after NgsiFlow's.</summary>
    public Action<KestrelServerOptions>? ConfigureKestrel { get; set; }

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

    /// <summary>
    /// Handles the requests whose path is outside <see cref="NotifyPath"/> (a node's statistics and health, say) before
    /// any credential check; null (default) answers them 404. Not used when <see cref="NotifyPath"/> is "/".
    /// </summary>
    public RequestDelegate? OtherRequests { get; set; }

    /// <summary>
    /// Run request handling inline on Kestrel's socket threads instead of hopping to the thread pool
    /// (<c>SocketTransportOptions.UnsafePreferInlineScheduling</c>). Saves a thread switch per request: worth it when
    /// every <see cref="INotificationTarget"/> is non-blocking, as <see cref="StreamInputTarget"/> is. Default false.
    /// </summary>
    public bool InlineScheduling { get; set; }

    /// <summary>How long a graceful stop waits for requests in flight. Default 10 s.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Clock for receive times and managed-subscription renewal.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Loggers; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks every setting; throws one <see cref="ArgumentException"/> listing each bad value.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (ListenAddress is null)
        {
            errors.Add("ReceiverOptions.ListenAddress must be set.");
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add(Invariant($"ReceiverOptions.Port must be between 0 and 65535 (was {Port})."));
        }

        if (PublicBaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"ReceiverOptions.PublicBaseUrl must be an absolute http or https URL (was '{url}').");
        }

        if (string.IsNullOrEmpty(NotifyPath) || NotifyPath[0] != '/' || (NotifyPath.Length > 1 && NotifyPath[^1] == '/') || NotifyPath.Contains('?', StringComparison.Ordinal))
        {
            errors.Add($"ReceiverOptions.NotifyPath must start with '/' and not end with '/' (was '{NotifyPath}').");
        }

        if (string.IsNullOrEmpty(IngestPath) || IngestPath.Length < 2 || IngestPath[0] != '/' || IngestPath[^1] == '/' || IngestPath.Contains('?', StringComparison.Ordinal))
        {
            errors.Add($"ReceiverOptions.IngestPath must start with '/', name a path and not end with '/' (was '{IngestPath}').");
        }
        else if (IngestPath == NotifyPath || IngestPath.StartsWith(NotifyPath + "/", StringComparison.Ordinal))
        {
            errors.Add($"ReceiverOptions.IngestPath '{IngestPath}' must lie outside the NotifyPath '{NotifyPath}'.");
        }

        if (MaxBodyBytes is < 1024 or > int.MaxValue)
        {
            errors.Add(Invariant($"ReceiverOptions.MaxBodyBytes must be between 1024 and {int.MaxValue} (was {MaxBodyBytes})."));
        }

        if (HoldTimeout < TimeSpan.Zero || HoldTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add(Invariant($"ReceiverOptions.HoldTimeout must be between 0 and 5 minutes (was {HoldTimeout})."));
        }

        if (RetryAfter < TimeSpan.Zero || RetryAfter > TimeSpan.FromHours(1))
        {
            errors.Add(Invariant($"ReceiverOptions.RetryAfter must be between 0 and 1 hour (was {RetryAfter})."));
        }

        if (BearerToken is { } token && (token.Length == 0 || token.Any(char.IsWhiteSpace)))
        {
            errors.Add("ReceiverOptions.BearerToken must be non-empty and without white space.");
        }

        if ((SharedSecretHeader is null) != (SharedSecret is null))
        {
            errors.Add("ReceiverOptions.SharedSecretHeader and ReceiverOptions.SharedSecret must be set together.");
        }
        else if (SharedSecretHeader is not null && (SharedSecretHeader.Length == 0 || SharedSecretHeader.Any(c => c <= ' ' || c == ':') || SharedSecret!.Length == 0))
        {
            errors.Add($"ReceiverOptions.SharedSecretHeader must be a valid header name and SharedSecret non-empty (header was '{SharedSecretHeader}').");
        }

        if (Certificate is { HasPrivateKey: false })
        {
            errors.Add($"ReceiverOptions.Certificate '{Certificate.Subject}' has no private key; HTTPS needs one.");
        }

        if (MaxConcurrentConnections is < 1 or > 1_000_000)
        {
            errors.Add(Invariant($"ReceiverOptions.MaxConcurrentConnections must be between 1 and 1000000 (was {MaxConcurrentConnections})."));
        }

        if (RequestHeadersTimeout < TimeSpan.FromMilliseconds(100) || RequestHeadersTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add(Invariant($"ReceiverOptions.RequestHeadersTimeout must be between 100 ms and 10 minutes (was {RequestHeadersTimeout})."));
        }

        if (MinRequestBodyBytesPerSecond < 0 || double.IsNaN(MinRequestBodyBytesPerSecond))
        {
            errors.Add(Invariant($"ReceiverOptions.MinRequestBodyBytesPerSecond must not be negative (was {MinRequestBodyBytesPerSecond})."));
        }

        if (MaxRequestsPerConnection < 0)
        {
            errors.Add(Invariant($"ReceiverOptions.MaxRequestsPerConnection must not be negative (was {MaxRequestsPerConnection})."));
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            errors.Add(Invariant($"ReceiverOptions.DrainTimeout must not be negative (was {DrainTimeout})."));
        }

        if (TimeProvider is null)
        {
            errors.Add("ReceiverOptions.TimeProvider must be set.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
