using System.Text.Json;
using Microsoft.Extensions.Logging;
using NgsiFlow.Client.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>
/// A typed client for NGSI-v2 brokers (Orion, the embedded NgsiFlow broker): entities, attributes, batch operations,
/// subscriptions and <c>/version</c>. Thread-safe; keep one per broker and reuse it (it owns a connection pool).
/// Every answer is checked: a non-2xx answer, a timeout or a connection failure after the retries raises
/// <see cref="NgsiClientException"/>; a malformed answer raises <see cref="NgsiFormatException"/>.
/// Each call takes an optional <see cref="FiwareContext"/> (tenant, service path, correlator) that wins over
/// <see cref="NgsiClientOptions.Fiware"/>.
/// </summary>
public sealed partial class NgsiV2Client : IDisposable
{
    private readonly NgsiTransport _transport;

    /// <summary>Creates a client with its own connection pool.</summary>
    /// <param name="options">The settings; validated here (<see cref="ArgumentException"/> naming every bad value).</param>
    /// <param name="loggerFactory">Where retries and failures are logged, or null.</param>
    public NgsiV2Client(NgsiClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        _transport = new NgsiTransport(options, null, loggerFactory);
    }

    /// <summary>Creates a client over a handler of your own (custom TLS, a proxy, a test double); retries, timeouts and auth still apply.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="innerHandler">The handler that sends the requests; not disposed by the client.</param>
    /// <param name="loggerFactory">Where retries and failures are logged, or null.</param>
    public NgsiV2Client(NgsiClientOptions options, HttpMessageHandler innerHandler, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(innerHandler);
        _transport = new NgsiTransport(options, innerHandler, loggerFactory);
    }

    /// <summary>The broker's root URL.</summary>
    public Uri BaseAddress => _transport.BaseAddress;

    /// <summary>The validated options.</summary>
    public NgsiClientOptions Options => _transport.Options;

    /// <summary><c>GET /version</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiBrokerVersion> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var answer = await _transport.SendAsync(new NgsiTransport.Call(HttpMethod.Get, "version"), cancellationToken).ConfigureAwait(false);
        var raw = Parse(answer, static b => NgsiValue.Parse(b));
        string? version = null, uptime = null;
        foreach (var member in raw.Members)
        {
            if (member.Value.TryGetProperty("version", out var v) && v.TryGetString(out var text))
            {
                version = text;
                uptime = member.Value["uptime"].TryGetString(out var u) ? u : null;
                break;
            }
        }

        return new NgsiBrokerVersion(version, uptime, raw);
    }

    /// <summary>
    /// Sends a request of your own (e.g. a body built from a template) and checks the answer. Retried only when
    /// the method is idempotent or <paramref name="safeToRetry"/> says so.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativeUri">The path and query relative to the base address, e.g. <c>v2/entities/x/attrs</c>.</param>
    /// <param name="body">The body; empty for none.</param>
    /// <param name="contentType">The body's media type.</param>
    /// <param name="safeToRetry">True when a POST may be repeated after a transient failure.</param>
    /// <param name="fiware">Tenant, service path and correlator; null for the client's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<NgsiRawResponse> SendAsync(HttpMethod method, string relativeUri, ReadOnlyMemory<byte> body, string contentType = NgsiTransport.Json, bool safeToRetry = false, FiwareContext? fiware = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(relativeUri);
        var call = new NgsiTransport.Call(method, relativeUri.TrimStart('/'))
        {
            Content = body.IsEmpty ? null : body.ToArray(),
            ContentType = contentType,
            Fiware = fiware,
            SafeToRetry = safeToRetry,
        };
        var answer = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return new NgsiRawResponse(answer.Status, answer.Body, answer.ContentType, answer.Location);
    }

    /// <summary>Closes the connection pool.</summary>
    public void Dispose() => _transport.Dispose();

    private static T Parse<T>(NgsiTransport.Answer answer, Func<byte[], T> parse)
    {
        try
        {
            return parse(answer.Body);
        }
        catch (JsonException ex)
        {
            throw new NgsiFormatException("$", "valid JSON from " + answer.RequestUri, ex.Message, ex);
        }
    }

    private static NgsiTransport.Call Call(HttpMethod method, QueryBuilder path, FiwareContext? fiware, byte[]? body = null, bool safeToRetry = false) =>
        new(method, path.ToString()) { Content = body, Fiware = fiware, SafeToRetry = safeToRetry };

    private static string EntityPath(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return "v2/entities/" + QueryBuilder.Segment(id);
    }

    private static string? KeyValues(NgsiV2Representation representation) => representation == NgsiV2Representation.KeyValues ? "keyValues" : null;
}
