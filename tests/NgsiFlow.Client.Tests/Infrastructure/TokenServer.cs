using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace NgsiFlow.Client.Tests.Infrastructure;

/// <summary>
/// A Keyrock-style OAuth2 server on real Kestrel: <c>POST /oauth2/token</c> checks the client's Basic credentials and
/// the grant, and hands out numbered tokens; every other path is a protected NGSI resource that answers 401 unless
/// it gets the latest token as <c>Authorization: Bearer</c>.
/// </summary>
public sealed class TokenServer : IAsyncDisposable
{
    public const string ClientId = "tutorial-dckr-site-0000-xpresswebapp";
    public const string ClientSecret = "tutorial-dckr-site-0000-clientsecret";

    private readonly TestServer _server;
    private int _issued;
    private volatile string? _valid;

    private TokenServer(TestServer server) => _server = server;

    public Uri BaseAddress => _server.BaseAddress;

    public Uri TokenEndpoint => new(BaseAddress, "oauth2/token");

    public int ExpiresIn { get; set; } = 3600;

    public TimeSpan TokenDelay { get; set; }

    public int TokensIssued => Volatile.Read(ref _issued);

    public ConcurrentQueue<IReadOnlyDictionary<string, string>> TokenRequests { get; } = new();

    public ConcurrentQueue<string?> ResourceAuthorizations { get; } = new();

    /// <summary>Makes the current token invalid, as a revocation on the identity manager would.</summary>
    public void Revoke() => _valid = "revoked";

    public static async Task<TokenServer> StartAsync()
    {
        TokenServer? self = null;
        var server = await TestServer.StartAsync(context => self!.HandleAsync(context));
        self = new TokenServer(server);
        return self;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path == "/oauth2/token")
        {
            await TokenAsync(context);
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        ResourceAuthorizations.Enqueue(authorization);
        if (_valid is null || authorization != "Bearer " + _valid)
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":"Unauthorized","description":"invalid token"}""");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"orion":{"version":"3.10.1","uptime":"0 d, 0 h"}}""");
    }

    private async Task TokenAsync(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
        var form = await context.Request.ReadFormAsync();
        TokenRequests.Enqueue(form.ToDictionary(p => p.Key, p => p.Value.ToString()));
        if (context.Request.Method != "POST" || context.Request.Headers.Authorization.ToString() != expected)
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":"invalid_client","error_description":"Invalid client: client is invalid"}""");
            return;
        }

        var grant = form["grant_type"].ToString();
        var ok = grant switch
        {
            "password" => form["username"] == "alice-the-admin@test.com" && form["password"] == "test",
            "client_credentials" => true,
            "refresh_token" => form["refresh_token"].ToString().StartsWith("refresh-", StringComparison.Ordinal),
            _ => false,
        };
        if (!ok)
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":"invalid_grant","error_description":"Invalid grant: user credentials are invalid"}""");
            return;
        }

        if (TokenDelay > TimeSpan.Zero)
        {
            await Task.Delay(TokenDelay);
        }

        var n = Interlocked.Increment(ref _issued);
        _valid = $"token-{n}";
        var refresh = grant == "client_credentials" ? string.Empty : $""","refresh_token":"refresh-{n}" """;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"access_token":"token-{{n}}","token_type":"bearer","expires_in":{{ExpiresIn}}{{refresh}},"scope":["bearer"]}""");
    }
}
