using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace NgsiFlow.Client.Internal;

/// <summary>
/// Obtains access tokens from a Keyrock-style <c>/oauth2/token</c> endpoint (password or client-credentials grant,
/// client id and secret as HTTP Basic, form body), caches the token and replaces it before it expires. One refresh
/// runs at a time; callers that arrive meanwhile wait for it and share its token.
/// </summary>
internal sealed class OAuth2TokenSource : IDisposable
{
    private readonly NgsiAuthOptions _options;
    private readonly TimeProvider _clock;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CachedToken? _current;

    public OAuth2TokenSource(NgsiAuthOptions options, TimeProvider clock, ILogger logger, HttpMessageHandler? handler = null)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = options.TokenRequestTimeout;
    }

    /// <summary>The cached token while it is fresh, else a new one.</summary>
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && _clock.GetUtcNow() < current.RefreshAt)
        {
            return ValueTask.FromResult(current.AccessToken);
        }

        return new ValueTask<string>(RefreshAsync(current?.AccessToken, cancellationToken));
    }

    /// <summary>
    /// Replaces <paramref name="stale"/> (null: whatever is cached). When another caller already replaced it while this
    /// one waited, that newer token is returned without a second request.
    /// </summary>
    public async Task<string> RefreshAsync(string? stale, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _current;
            if (current is not null && current.AccessToken != stale && _clock.GetUtcNow() < current.RefreshAt)
            {
                return current.AccessToken;
            }

            CachedToken fresh;
            if (current?.RefreshToken is { } refreshToken)
            {
                try
                {
                    fresh = await RequestAsync([new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], cancellationToken).ConfigureAwait(false);
                }
                catch (NgsiClientException)
                {
                    // An expired or revoked refresh token: start over with the configured grant.
                    fresh = await RequestAsync(GrantFields(), cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                fresh = await RequestAsync(GrantFields(), cancellationToken).ConfigureAwait(false);
            }

            _current = fresh;
            return fresh.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private List<KeyValuePair<string, string>> GrantFields()
    {
        var fields = _options.Mode == NgsiAuthMode.OAuth2Password
            ? new List<KeyValuePair<string, string>> { new("grant_type", "password"), new("username", _options.Username!), new("password", _options.Password!) }
            : [new("grant_type", "client_credentials")];
        if (!string.IsNullOrEmpty(_options.Scope))
        {
            fields.Add(new("scope", _options.Scope));
        }

        return fields;
    }

    private async Task<CachedToken> RequestAsync(List<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var endpoint = _options.TokenEndpoint!;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(fields) };
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.ClientId}:{_options.ClientSecret}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new NgsiClientException("POST", endpoint, 0, "TokenRequestFailed", "the token endpoint is unreachable: " + ex.Message, null, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NgsiClientException("POST", endpoint, 0, "Timeout", "the token endpoint did not answer in time", null, ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var (error, description, _) = ErrorBody.Read(body);
                throw new NgsiClientException("POST", endpoint, (int)response.StatusCode, error ?? "TokenRequestFailed", description, ErrorBody.Text(body));
            }

            return Parse(body, endpoint);
        }
    }

    private CachedToken Parse(byte[] body, Uri endpoint)
    {
        string? access = null, refresh = null;
        double lifetime = 3600;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String)
                {
                    access = a.GetString();
                }

                if (root.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String)
                {
                    refresh = r.GetString();
                }

                if (root.TryGetProperty("expires_in", out var e))
                {
                    // Some servers send the lifetime as a string.
                    if (e.ValueKind == JsonValueKind.Number)
                    {
                        lifetime = e.GetDouble();
                    }
                    else if (e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                    {
                        lifetime = parsed;
                    }
                }
            }
        }
        catch (JsonException)
        {
            access = null;
        }

        if (string.IsNullOrEmpty(access))
        {
            throw new NgsiClientException("POST", endpoint, 200, "TokenRequestFailed", "the token endpoint's answer has no access_token", ErrorBody.Text(body));
        }

        var now = _clock.GetUtcNow();
        var life = TimeSpan.FromSeconds(Math.Max(lifetime, 0));
        var margin = _options.RefreshBeforeExpiry < life / 2 ? _options.RefreshBeforeExpiry : life / 2;
        ClientMetrics.TokenRefreshes.Add(1);
        ClientLog.TokenObtained(_logger, endpoint, life.TotalSeconds);
        return new CachedToken(access, now + life - margin, refresh);
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset RefreshAt, string? RefreshToken);
}
