namespace NgsiFlow.Client;

/// <summary>The header that carries an access token to the broker (or to the PEP proxy in front of it).</summary>
public enum NgsiTokenHeader
{
    /// <summary><c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    Bearer = 0,

    /// <summary><c>X-Auth-Token: &lt;token&gt;</c>, as Keyrock and Wilma also accept.</summary>
    XAuthToken,
}
