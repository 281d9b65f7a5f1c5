using System.Net;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests;

/// <summary>
/// CORS as Orion's functional cases 0501_cors expect it (allowed_methods, specific_origin, any_origin, max_age,
/// max_age_default, exposed_headers, cors_disabled, cors_bad_verbs).
/// </summary>
public sealed class CorsTests
{
    private const string AllowedHeaders = "Authorization, Content-Type, Fiware-Service, Fiware-Servicepath, Ngsiv2-AttrsFormat, Fiware-Correlator, X-Forwarded-For, X-Real-IP, X-Auth-Token";

    [Theory]
    [InlineData("/v2", "GET, OPTIONS")]
    [InlineData("/v2/entities", "GET, POST, OPTIONS")]
    [InlineData("/v2/entities/testEntity", "GET, DELETE, OPTIONS")]
    [InlineData("/v2/entities/testEntity/attrs", "GET, PATCH, POST, PUT, OPTIONS")]
    [InlineData("/v2/entities/testEntity/attrs/testAttr/value", "GET, PUT, OPTIONS")]
    [InlineData("/v2/entities/testEntity/attrs/testAttr", "GET, PUT, DELETE, OPTIONS")]
    [InlineData("/v2/types/testType", "GET, OPTIONS")]
    [InlineData("/v2/types", "GET, OPTIONS")]
    [InlineData("/v2/subscriptions", "GET, POST, OPTIONS")]
    [InlineData("/v2/subscriptions/testSub", "GET, DELETE, PATCH, OPTIONS")]
    [InlineData("/v2/op/query", "POST, OPTIONS")]
    [InlineData("/v2/op/update", "POST, OPTIONS")]
    public async Task Preflight_anyOrigin_listsTheResourcesMethodsHeadersAndDefaultMaxAge(string path, string methods)
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, CorsOrigin = "__ALL" });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };

        using var response = await SendAsync(http, HttpMethod.Options, path, "TEST_ORIGIN");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Header(response, "Access-Control-Allow-Methods").ShouldBe(methods);
        Header(response, "Access-Control-Allow-Origin").ShouldBe("*");
        Header(response, "Access-Control-Expose-Headers").ShouldBe("Fiware-Correlator, Fiware-Total-Count, Location");
        Header(response, "Access-Control-Allow-Headers").ShouldBe(AllowedHeaders);
        Header(response, "Access-Control-Max-Age").ShouldBe("86400");
        (await response.Content.ReadAsStringAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task SpecificOrigin_onlyThatOriginGetsCorsHeaders_onGetsErrorsAndPreflights()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, CorsOrigin = "arrakis", CorsMaxAgeSeconds = 600 });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };

        using (var plain = await SendAsync(http, HttpMethod.Get, "/v2", origin: null))
        using (var allowed = await SendAsync(http, HttpMethod.Get, "/v2", "arrakis"))
        using (var other = await SendAsync(http, HttpMethod.Get, "/v2", "caladan"))
        {
            plain.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
            Header(allowed, "Access-Control-Allow-Origin").ShouldBe("arrakis");
            Header(allowed, "Access-Control-Expose-Headers").ShouldBe("Fiware-Correlator, Fiware-Total-Count, Location");
            allowed.Headers.Contains("Access-Control-Allow-Methods").ShouldBeFalse("only a preflight lists methods");
            other.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
            JsonNode.Parse(await allowed.Content.ReadAsStringAsync())!["entities_url"]!.GetValue<string>().ShouldBe("/v2/entities");
        }

        using (var preflight = await SendAsync(http, HttpMethod.Options, "/v2", "arrakis"))
        using (var otherPreflight = await SendAsync(http, HttpMethod.Options, "/v2", "caladan"))
        using (var version = await SendAsync(http, HttpMethod.Get, "/version", "arrakis"))
        using (var error = await SendAsync(http, HttpMethod.Get, "/v2/entities/Nope", "arrakis"))
        {
            preflight.StatusCode.ShouldBe(HttpStatusCode.OK);
            Header(preflight, "Access-Control-Max-Age").ShouldBe("600");
            Header(preflight, "Access-Control-Allow-Origin").ShouldBe("arrakis");
            otherPreflight.StatusCode.ShouldBe(HttpStatusCode.OK);
            otherPreflight.Headers.Contains("Access-Control-Allow-Methods").ShouldBeFalse();
            otherPreflight.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
            Header(version, "Access-Control-Allow-Origin").ShouldBe("arrakis");
            error.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            Header(error, "Access-Control-Allow-Origin").ShouldBe("arrakis");
        }
    }

    [Fact]
    public async Task CorsOff_optionsIs405WithOrionsBody_andNoCorsHeaders()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };

        using var response = await SendAsync(http, HttpMethod.Options, "/v2", "TEST_ORIGIN");

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        Header(response, "Allow").ShouldBe("GET");
        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["error"]!.GetValue<string>().ShouldBe("MethodNotAllowed");
        body["description"]!.GetValue<string>().ShouldBe("method not allowed");
    }

    [Theory]
    [InlineData("/v2", "GET, OPTIONS")]
    [InlineData("/v2/entities", "GET, POST, OPTIONS")]
    [InlineData("/v2/entities/testEntity", "GET, DELETE, OPTIONS")]
    [InlineData("/v2/op/update", "POST, OPTIONS")]
    public async Task UnknownVerb_onAKnownPath_is405ListingTheMethods(string path, string allow)
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, CorsOrigin = "__ALL" });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };

        using var response = await SendAsync(http, new HttpMethod("BADVERB"), path, origin: null);

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        Header(response, "Allow").ShouldBe(allow);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>().ShouldBe("MethodNotAllowed");
    }

    [Theory]
    [InlineData("")]
    [InlineData("two origins")]
    public void Options_badOrigin_isRefusedNamingTheOption(string origin)
    {
        var error = Should.Throw<ArgumentException>(() => new BrokerOptions { CorsOrigin = origin }.Validate());

        error.Message.ShouldContain("BrokerOptions.CorsOrigin");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? origin)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new ShouldAssertException($"header {name} missing");
}
