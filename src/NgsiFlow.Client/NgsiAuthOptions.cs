namespace NgsiFlow.Client;

/// <summary>Outbound credentials: none, a static token, or an OAuth2 token obtained and refreshed by the client.</summary>
public sealed class NgsiAuthOptions
{
    /// <summary>The authentication mode. Default <see cref="NgsiAuthMode.None"/>.</summary>
    public NgsiAuthMode Mode { get; set; } = NgsiAuthMode.None;

    /// <summary>Where the token travels: <c>Authorization: Bearer</c> (default) or <c>X-Auth-Token</c>.</summary>
    public NgsiTokenHeader TokenHeader { get; set; } = NgsiTokenHeader.Bearer;

    /// <summary>The token for <see cref="NgsiAuthMode.StaticToken"/>.</summary>
    public string? Token { get; set; }

    /// <summary>The token endpoint for the OAuth2 modes, e.g. <c>http://keyrock:3005/oauth2/token</c>.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The OAuth2 client id, sent with <see cref="ClientSecret"/> as HTTP Basic credentials.</summary>
    public string? ClientId { get; set; }

    /// <summary>The OAuth2 client secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The user name for <see cref="NgsiAuthMode.OAuth2Password"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The password for <see cref="NgsiAuthMode.OAuth2Password"/>.</summary>
    public string? Password { get; set; }

    /// <summary>An optional OAuth2 <c>scope</c> to request.</summary>
    public string? Scope { get; set; }

    /// <summary>
    /// How long before its expiry a cached token is replaced (default 60 s). For short-lived tokens the
    /// client refreshes at the latest halfway through the token's lifetime.
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one token request (default 10 s).</summary>
    public TimeSpan TokenRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal bool IsOAuth2 => Mode is NgsiAuthMode.OAuth2Password or NgsiAuthMode.OAuth2ClientCredentials;

    internal void Validate(List<string> errors)
    {
        if (!Enum.IsDefined(Mode))
        {
            errors.Add($"NgsiAuthOptions.Mode is not a known mode (was {(int)Mode}).");
            return;
        }

        if (!Enum.IsDefined(TokenHeader))
        {
            errors.Add($"NgsiAuthOptions.TokenHeader is not a known header (was {(int)TokenHeader}).");
        }

        if (Mode == NgsiAuthMode.StaticToken && string.IsNullOrWhiteSpace(Token))
        {
            errors.Add("NgsiAuthOptions.Token is required when Mode is StaticToken.");
        }

        if (Token is not null && Token.Any(char.IsControl))
        {
            errors.Add("NgsiAuthOptions.Token must not contain control characters (line breaks would break the header).");
        }

        if (!IsOAuth2)
        {
            return;
        }

        if (TokenEndpoint is null)
        {
            errors.Add($"NgsiAuthOptions.TokenEndpoint is required when Mode is {Mode}.");
        }
        else if (!TokenEndpoint.IsAbsoluteUri || (TokenEndpoint.Scheme != Uri.UriSchemeHttp && TokenEndpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"NgsiAuthOptions.TokenEndpoint must be an absolute http or https URL (was '{TokenEndpoint}').");
        }

        if (string.IsNullOrEmpty(ClientId))
        {
            errors.Add($"NgsiAuthOptions.ClientId is required when Mode is {Mode}.");
        }

        if (string.IsNullOrEmpty(ClientSecret))
        {
            errors.Add($"NgsiAuthOptions.ClientSecret is required when Mode is {Mode}.");
        }

        if (Mode == NgsiAuthMode.OAuth2Password)
        {
            if (string.IsNullOrEmpty(Username))
            {
                errors.Add("NgsiAuthOptions.Username is required when Mode is OAuth2Password.");
            }

            if (string.IsNullOrEmpty(Password))
            {
                errors.Add("NgsiAuthOptions.Password is required when Mode is OAuth2Password.");
            }
        }

        if (RefreshBeforeExpiry < TimeSpan.Zero || RefreshBeforeExpiry > TimeSpan.FromHours(1))
        {
            errors.Add($"NgsiAuthOptions.RefreshBeforeExpiry must be between 0 and 1 hour (was {RefreshBeforeExpiry}).");
        }

        if (TokenRequestTimeout <= TimeSpan.Zero || TokenRequestTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"NgsiAuthOptions.TokenRequestTimeout must be positive and at most 5 minutes (was {TokenRequestTimeout}).");
        }
    }
}
