using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Constructor_with_many_bad_values_names_each_of_them()
    {
        var options = new NgsiClientOptions
        {
            BaseAddress = new Uri("ftp://orion:1026/"),
            RequestTimeout = TimeSpan.Zero,
            MaxConnectionsPerServer = 0,
            Fiware = new FiwareContext("city", "madrid", null),
            Retry = new NgsiRetryOptions { MaxRetries = -1, BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) },
            Auth = new NgsiAuthOptions { Mode = NgsiAuthMode.OAuth2Password, ClientId = "id" },
        };

        var error = Should.Throw<ArgumentException>(() => new NgsiV2Client(options));

        error.Message.ShouldContain("BaseAddress must be an absolute http or https URL (was 'ftp://orion:1026/')");
        error.Message.ShouldContain("RequestTimeout must be positive");
        error.Message.ShouldContain("MaxConnectionsPerServer must be between 1 and 10000 (was 0)");
        error.Message.ShouldContain("ServicePath must start with '/' (was 'madrid')");
        error.Message.ShouldContain("MaxRetries must be between 0 and 100 (was -1)");
        error.Message.ShouldContain("MaxDelay must be at least BaseDelay");
        error.Message.ShouldContain("TokenEndpoint is required when Mode is OAuth2Password");
        error.Message.ShouldContain("ClientSecret is required");
        error.Message.ShouldContain("Username is required");
        error.Message.ShouldContain("Password is required");
        error.Message.ShouldNotContain("ClientId is required");
    }

    [Fact]
    public void Constructor_without_a_base_address_says_so()
    {
        var error = Should.Throw<ArgumentException>(() => new NgsiLdClient(new NgsiClientOptions()));

        error.Message.ShouldBe("NgsiClientOptions.BaseAddress is required (e.g. http://localhost:1026/).");
    }

    [Fact]
    public void Static_token_mode_without_a_token_is_refused()
    {
        var options = new NgsiClientOptions { BaseAddress = new Uri("http://orion:1026"), Auth = new NgsiAuthOptions { Mode = NgsiAuthMode.StaticToken } };

        Should.Throw<ArgumentException>(options.Validate).Message.ShouldBe("NgsiAuthOptions.Token is required when Mode is StaticToken.");
    }

    [Fact]
    public void Good_options_validate_and_a_base_address_without_slash_still_joins_paths()
    {
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = new Uri("http://orion:1026/prefix") });

        client.BaseAddress.ShouldBe(new Uri("http://orion:1026/prefix/"));
    }
}
