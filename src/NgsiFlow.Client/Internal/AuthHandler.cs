using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace NgsiFlow.Client.Internal;

/// <summary>
/// Adds the access token to every attempt. With OAuth2, a 401 answer makes it replace the token once and send the
/// request again: the broker (or its PEP proxy) may have revoked a token the client still thought valid.
/// </summary>
internal sealed class AuthHandler : DelegatingHandler
{
    private const string XAuthToken = "X-Auth-Token";
    private readonly NgsiTokenHeader _header;
    private readonly string? _staticToken;
    private readonly OAuth2TokenSource? _tokens;
    private readonly ILogger _logger;

    public AuthHandler(HttpMessageHandler inner, NgsiAuthOptions options, OAuth2TokenSource? tokens, ILogger logger)
        : base(inner)
    {
        _header = options.TokenHeader;
        _staticToken = options.Mode == NgsiAuthMode.StaticToken ? options.Token : null;
        _tokens = tokens;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_tokens is null)
        {
            if (_staticToken is not null)
            {
                Apply(request, _staticToken);
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        Apply(request, token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        ClientLog.Unauthorized(_logger, request.Method.Method, request.RequestUri);
        response.Dispose();
        token = await _tokens.RefreshAsync(token, cancellationToken).ConfigureAwait(false);
        Apply(request, token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private void Apply(HttpRequestMessage request, string token)
    {
        if (_header == NgsiTokenHeader.XAuthToken)
        {
            request.Headers.Remove(XAuthToken);
            request.Headers.TryAddWithoutValidation(XAuthToken, token);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }
}
