namespace NgsiFlow.Client;

/// <summary>How the client authenticates its calls to the broker.</summary>
public enum NgsiAuthMode
{
    /// <summary>No credentials are sent.</summary>
    None = 0,

    /// <summary>A fixed token (<see cref="NgsiAuthOptions.Token"/>).</summary>
    StaticToken,

    /// <summary>OAuth2 resource-owner password grant against a Keyrock-style <c>/oauth2/token</c> endpoint.</summary>
    OAuth2Password,

    /// <summary>OAuth2 client-credentials grant against a Keyrock-style <c>/oauth2/token</c> endpoint.</summary>
    OAuth2ClientCredentials,
}
