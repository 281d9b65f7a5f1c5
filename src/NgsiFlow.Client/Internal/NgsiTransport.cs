using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Ngsi;
using Polly.Timeout;

namespace NgsiFlow.Client.Internal;

/// <summary>
/// The HTTP side shared by both clients: the handler pipeline (retries and timeouts, then credentials, then the
/// connection pool), the FIWARE headers, and the check of every answer.
/// </summary>
internal sealed class NgsiTransport : IDisposable
{
    public const string Json = "application/json";
    public const string LdJson = "application/ld+json";

    private readonly HttpClient _http;
    private readonly OAuth2TokenSource? _tokens;
    private readonly ILogger _logger;
    private readonly string _linkHeader;

    public NgsiTransport(NgsiClientOptions options, HttpMessageHandler? innerHandler, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        BaseAddress = options.BaseAddress!.AbsoluteUri.EndsWith('/') ? options.BaseAddress : new Uri(options.BaseAddress.AbsoluteUri + "/");
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NgsiFlow.Client");
        _linkHeader = $"<{options.LdContext.AbsoluteUri}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
        HttpMessageHandler handler = innerHandler ?? new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            MaxConnectionsPerServer = options.MaxConnectionsPerServer,
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
        };
        if (options.Auth.Mode != NgsiAuthMode.None)
        {
            _tokens = options.Auth.IsOAuth2 ? new OAuth2TokenSource(options.Auth, options.TimeProvider, _logger) : null;
            handler = new AuthHandler(handler, options.Auth, _tokens, _logger);
        }

        handler = ResilienceHandler.Create(handler, options, _logger);

        // The caller's handler is theirs to dispose; ours are disposed with the client.
        _http = new HttpClient(handler, disposeHandler: innerHandler is null) { Timeout = Timeout.InfiniteTimeSpan, BaseAddress = BaseAddress };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
    }

    public NgsiClientOptions Options { get; }

    public Uri BaseAddress { get; }

    /// <summary>Sends a call and checks its answer; throws <see cref="NgsiClientException"/> unless it is 2xx (or an allowed 404).</summary>
    public async Task<Answer> SendAsync(Call call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, call.Path);
        if (call.Content is { } body)
        {
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", call.ContentType ?? Json);
            request.Content = content;
        }

        request.Headers.TryAddWithoutValidation("Accept", call.Accept ?? Json);
        AddFiwareHeaders(request, call);
        if (call.SafeToRetry)
        {
            request.Options.Set(RequestFlags.SafeToRetry, true);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            var uri = FullUri(request, call);
            throw Failed(new NgsiClientException(call.Method.Method, uri, 0, "Timeout", $"no answer within {Options.RequestTimeout.TotalSeconds:0.###} s", null, ex));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException)
        {
            var uri = FullUri(request, call);
            throw Failed(new NgsiClientException(call.Method.Method, uri, 0, "ConnectionFailed", ex.Message, null, ex));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var uri = FullUri(request, call);
            throw Failed(new NgsiClientException(call.Method.Method, uri, 0, "Timeout", ex.Message, null, ex));
        }

        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var uri = FullUri(request, call);
            if (!response.IsSuccessStatusCode && !(status == 404 && call.NotFoundIsNull))
            {
                var (error, description, problemType) = ErrorBody.Read(bytes);
                error ??= response.ReasonPhrase;
                // A refused request (4xx) is the caller's to handle; a broker failure (5xx after retries) is worth a warning.
                if (status >= 500)
                {
                    ClientLog.CallFailed(_logger, call.Method.Method, uri, status, error, description);
                }
                else
                {
                    ClientLog.CallRefused(_logger, call.Method.Method, uri, status, error, description);
                }
                throw Failed(new NgsiClientException(call.Method.Method, uri, status, error, description, ErrorBody.Text(bytes)) { ProblemType = problemType });
            }

            return new Answer(
                status,
                bytes,
                uri,
                response.Content.Headers.ContentType?.MediaType,
                response.Headers.Location?.OriginalString,
                Header(response, "Fiware-Total-Count") ?? Header(response, "NGSILD-Results-Count"));
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _tokens?.Dispose();
    }

    internal static NgsiClientException Failed(NgsiClientException exception)
    {
        ClientMetrics.Failures.Add(1, new KeyValuePair<string, object?>("http.response.status_code", exception.StatusCode));
        return exception;
    }

    /// <summary>HttpClient has made the request's URI absolute by now; build it only if it has not.</summary>
    private Uri FullUri(HttpRequestMessage request, Call call) =>
        request.RequestUri is { IsAbsoluteUri: true } absolute ? absolute : new Uri(BaseAddress, call.Path);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private void AddFiwareHeaders(HttpRequestMessage request, Call call)
    {
        var fiware = call.Fiware ?? Options.Fiware;
        if (fiware is not null)
        {
            if (!fiware.IsDefaultTenant)
            {
                request.Headers.TryAddWithoutValidation(call.Ld ? NgsiHeaderNames.NgsiLdTenant : NgsiHeaderNames.FiwareService, fiware.Tenant);
            }

            // NGSI-LD has no service paths; sending the root one would only confuse LD brokers that reject the header.
            if (!call.Ld || fiware.ServicePath is not ("/" or ""))
            {
                request.Headers.TryAddWithoutValidation(NgsiHeaderNames.FiwareServicePath, fiware.ServicePath);
            }

            if (!string.IsNullOrEmpty(fiware.Correlator))
            {
                request.Headers.TryAddWithoutValidation(NgsiHeaderNames.FiwareCorrelator, fiware.Correlator);
            }
        }

        // An ld+json body carries its own @context; the Link header is then forbidden.
        if (call.Ld && call.ContentType != LdJson)
        {
            request.Headers.TryAddWithoutValidation(NgsiHeaderNames.Link, _linkHeader);
        }
    }

    /// <summary>One call to make.</summary>
    internal sealed class Call(HttpMethod method, string path)
    {
        public HttpMethod Method { get; } = method;

        public string Path { get; } = path;

        public byte[]? Content { get; init; }

        public string? ContentType { get; init; }

        public string? Accept { get; init; }

        public FiwareContext? Fiware { get; init; }

        public bool Ld { get; init; }

        public bool SafeToRetry { get; init; }

        public bool NotFoundIsNull { get; init; }
    }

    /// <summary>A checked answer.</summary>
    internal sealed record Answer(int Status, byte[] Body, Uri RequestUri, string? ContentType, string? Location, string? TotalCount)
    {
        public bool IsNotFound => Status == 404;

        public long? Total => long.TryParse(TotalCount, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
