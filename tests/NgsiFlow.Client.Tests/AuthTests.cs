using System.Net;
using NgsiFlow.Client.Tests.Infrastructure;

namespace NgsiFlow.Client.Tests;

public sealed class AuthTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static NgsiClientOptions OAuth(TokenServer server, TimeProvider clock, NgsiAuthMode mode = NgsiAuthMode.OAuth2Password) => new()
    {
        BaseAddress = server.BaseAddress,
        TimeProvider = clock,
        Retry = new NgsiRetryOptions { MaxRetries = 0 },
        Auth = new NgsiAuthOptions
        {
            Mode = mode,
            TokenEndpoint = server.TokenEndpoint,
            ClientId = TokenServer.ClientId,
            ClientSecret = TokenServer.ClientSecret,
            Username = mode == NgsiAuthMode.OAuth2Password ? "alice-the-admin@test.com" : null,
            Password = mode == NgsiAuthMode.OAuth2Password ? "test" : null,
            RefreshBeforeExpiry = TimeSpan.FromSeconds(60),
        },
    };

    [Fact]
    public async Task OAuth2_password_token_is_reused_while_valid_and_refreshed_before_expiry()
    {
        await using var server = await TokenServer.StartAsync();
        var clock = new ManualClock(Start);
        using var client = new NgsiV2Client(OAuth(server, clock));

        await client.GetVersionAsync();
        clock.Advance(TimeSpan.FromSeconds(3500));
        await client.GetVersionAsync();
        server.TokensIssued.ShouldBe(1);

        // 3545 s: within the 60 s margin before the 3600 s expiry, so the client replaces the token first.
        clock.Advance(TimeSpan.FromSeconds(45));
        await client.GetVersionAsync();

        server.TokensIssued.ShouldBe(2);
        server.ResourceAuthorizations.ShouldBe(["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
        var grants = server.TokenRequests.ToArray();
        grants[0]["grant_type"].ShouldBe("password");
        grants[0]["username"].ShouldBe("alice-the-admin@test.com");
        grants[1]["grant_type"].ShouldBe("refresh_token");
        grants[1]["refresh_token"].ShouldBe("refresh-1");
    }

    [Fact]
    public async Task OAuth2_client_credentials_grant_gets_a_new_token_after_expiry()
    {
        await using var server = await TokenServer.StartAsync();
        server.ExpiresIn = 120;
        var clock = new ManualClock(Start);
        using var client = new NgsiV2Client(OAuth(server, clock, NgsiAuthMode.OAuth2ClientCredentials));

        await client.GetVersionAsync();
        clock.Advance(TimeSpan.FromSeconds(59));
        await client.GetVersionAsync();
        clock.Advance(TimeSpan.FromSeconds(2));
        await client.GetVersionAsync();

        // A 120 s token with a 60 s margin is replaced halfway, at 60 s.
        server.TokensIssued.ShouldBe(2);
        server.TokenRequests.ShouldAllBe(form => form["grant_type"] == "client_credentials");
    }

    [Fact]
    public async Task OAuth2_a_401_refreshes_the_token_once_and_repeats_the_call()
    {
        await using var server = await TokenServer.StartAsync();
        using var client = new NgsiV2Client(OAuth(server, new ManualClock(Start)));
        await client.GetVersionAsync();

        server.Revoke();
        var version = await client.GetVersionAsync();

        version.Version.ShouldBe("3.10.1");
        server.TokensIssued.ShouldBe(2);
        server.ResourceAuthorizations.ShouldBe(["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
    }

    [Fact]
    public async Task OAuth2_concurrent_calls_on_a_cold_client_share_one_token_request()
    {
        await using var server = await TokenServer.StartAsync();
        server.TokenDelay = TimeSpan.FromMilliseconds(200);
        using var client = new NgsiV2Client(OAuth(server, new ManualClock(Start)));

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => client.GetVersionAsync()));

        server.TokensIssued.ShouldBe(1);
        server.ResourceAuthorizations.Count.ShouldBe(16);
        server.ResourceAuthorizations.ShouldAllBe(a => a == "Bearer token-1");
    }

    [Fact]
    public async Task OAuth2_bad_client_secret_throws_the_token_endpoint_error()
    {
        await using var server = await TokenServer.StartAsync();
        var options = OAuth(server, new ManualClock(Start));
        options.Auth.ClientSecret = "wrong";
        using var client = new NgsiV2Client(options);

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.GetVersionAsync());

        error.StatusCode.ShouldBe(401);
        error.Error.ShouldBe("invalid_client");
        error.Description.ShouldBe("Invalid client: client is invalid");
        error.RequestUri.ShouldBe(server.TokenEndpoint);
        server.ResourceAuthorizations.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(NgsiTokenHeader.Bearer, "Authorization", "Bearer abc123")]
    [InlineData(NgsiTokenHeader.XAuthToken, "X-Auth-Token", "abc123")]
    public async Task Static_token_is_sent_on_every_call(NgsiTokenHeader header, string name, string value)
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, """{"orion":{"version":"3.10.1"}}""");
        using var client = new NgsiV2Client(new NgsiClientOptions
        {
            BaseAddress = new Uri("http://orion.test:1026/"),
            Auth = new NgsiAuthOptions { Mode = NgsiAuthMode.StaticToken, Token = "abc123", TokenHeader = header },
        }, handler);

        await client.GetVersionAsync();
        await client.GetVersionAsync();

        handler.Requests.Count.ShouldBe(2);
        handler.Requests.ShouldAllBe(r => r.Header(name) == value);
    }
}
