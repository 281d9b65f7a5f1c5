using System.Net;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests;

/// <summary>/v2/registrations as Orion's 3005, 3006 and 3008 cases and its parser's texts expect.</summary>
public abstract partial class BrokerComplianceTests
{
    private const string HumidityRegistration =
        """{"description":"Relative Humidity Context Source","dataProvided":{"entities":[{"id":"room2","type":"Room"}],"attrs":["relativeHumidity"]},"provider":{"http":{"url":"http://localhost:1234"}}}""";

    protected async Task<string> RegisterAsync(string json, string? servicePath = null)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/registrations", json, servicePath);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        var location = response.Headers.Location!.ToString();
        location.ShouldMatch("^/v2/registrations/[0-9a-f]{24}$");
        return location["/v2/registrations/".Length..];
    }

    [Fact]
    public async Task Registration_created_isRetrievedListedAndCounted_withOrionsDefaults_thenDeleted()
    {
        var id = await RegisterAsync(HumidityRegistration);
        await RegisterAsync("""{"dataProvided":{"entities":[{"idPattern":".*","type":"Sensor"}]},"provider":{"http":{"url":"http://cp:8080/v2"},"supportedForwardingMode":"query","legacyForwarding":true},"expires":"2040-01-01T10:00+02:00","status":"inactive"}""");

        var (got, registration) = await SendAsync(HttpMethod.Get, "/v2/registrations/" + id);
        var (listed, list) = await SendAsync(HttpMethod.Get, "/v2/registrations?options=count&limit=1&offset=1");

        got.StatusCode.ShouldBe(HttpStatusCode.OK);
        var expected = JsonNode.Parse(
            """{"id":"ID","description":"Relative Humidity Context Source","dataProvided":{"entities":[{"id":"room2","type":"Room"}],"attrs":["relativeHumidity"]},"provider":{"http":{"url":"http://localhost:1234"},"supportedForwardingMode":"all","legacyForwarding":false},"status":"active"}""".Replace("ID", id, StringComparison.Ordinal));
        JsonNode.DeepEquals(registration, expected).ShouldBeTrue(registration!.ToJsonString());
        listed.Headers.GetValues("Fiware-Total-Count").Single().ShouldBe("2");
        var second = list!.AsArray().Single()!;
        JsonNode.DeepEquals(second["dataProvided"], JsonNode.Parse("""{"entities":[{"idPattern":".*","type":"Sensor"}]}""")).ShouldBeTrue(second.ToJsonString());
        second["provider"]!["supportedForwardingMode"]!.GetValue<string>().ShouldBe("query");
        second["provider"]!["legacyForwarding"]!.GetValue<bool>().ShouldBeTrue();
        second["expires"]!.GetValue<string>().ShouldBe("2040-01-01T08:00:00.000Z");
        second["status"]!.GetValue<string>().ShouldBe("inactive");

        (await SendAsync(HttpMethod.Delete, "/v2/registrations/" + id)).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var (gone, goneBody) = await SendAsync(HttpMethod.Get, "/v2/registrations/" + id);
        ShouldBeError(gone, goneBody, HttpStatusCode.NotFound, "NotFound", "The requested registration has not been found. Check id");
        var (again, againBody) = await SendAsync(HttpMethod.Delete, "/v2/registrations/" + id);
        ShouldBeError(again, againBody, HttpStatusCode.NotFound, "NotFound", "The requested registration has not been found. Check id");
    }

    [Fact]
    public async Task Registration_isScopedByTenantAndServicePath()
    {
        var id = await RegisterAsync(HumidityRegistration, servicePath: "/a");

        (await SendAsync(HttpMethod.Get, "/v2/registrations/" + id, servicePath: "/a")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Get, "/v2/registrations/" + id, servicePath: "/b")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Get, "/v2/registrations/" + id, tenant: Tenant + "x")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Get, "/v2/registrations", servicePath: "/b")).Body!.AsArray().ShouldBeEmpty();
        (await SendAsync(HttpMethod.Get, "/v2/registrations")).Body!.AsArray().Count.ShouldBe(1, "the default /# sees every service path");
    }

    [Theory]
    [InlineData("""{"provider":{"http":{"url":"http://cp"}}}""", 400, "the field /dataProvided/ is missing in payload")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]}}""", 400, "the field /provider/ is missing in payload")]
    [InlineData("""{"dataProvided":[],"provider":{"http":{"url":"http://cp"}}}""", 400, "/dataProvided/ must be a JSON object")]
    [InlineData("""{"dataProvided":{},"provider":{"http":{"url":"http://cp"}}}""", 400, "/dataProvided/ is empty")]
    [InlineData("""{"dataProvided":{"entities":[{"type":"T"}]},"provider":{"http":{"url":"http://cp"}}}""", 400, "nor /id/ nor /idPattern/ present")]
    [InlineData("""{"dataProvided":{"entities":[{"idPattern":"E.*"}]},"provider":{"http":{"url":"http://cp"}}}""", 501, "idPattern only supports .* in registrations")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E","typePattern":"T.*"}]},"provider":{"http":{"url":"http://cp"}}}""", 501, "typePattern is not implemented in registrations")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{}}""", 400, "/provider/ empty")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"supportedForwardingMode":"all"}}""", 400, "/provider/ must contain a field /http/")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"http":{}}}""", 400, "/http/ must contain a field /url/")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"http":{"url":""}}}""", 400, "/url/ field of /http/ cannot be the empty string")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"http":{"url":"not a url"}}}""", 400, "/url/ field of /http/ is invalid")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"http":{"url":"http://cp"},"supportedForwardingMode":"some"}}""", 400, "invalid value of /supportedForwardingMode/")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"http":{"url":"http://cp"},"legacyForwarding":"yes"}}""", 400, "the field /legacyForwarding/ must be a boolean")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"http":{"url":"http://cp"}},"expires":"tomorrow"}""", 400, "the field /expires/ has an invalid format")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"http":{"url":"http://cp"}},"status":"paused"}""", 400, "invalid value for /status/")]
    [InlineData("""{"dataProvided":{"entities":[{"id":"E"}]},"provider":{"http":{"url":"http://cp"}},"description":"a<b"}""", 400, "forbidden characters in description")]
    public async Task Registration_badBody_isRefusedWithOrionsText(string body, int status, string description)
    {
        var (response, error) = await SendAsync(HttpMethod.Post, "/v2/registrations", body);

        ShouldBeError(response, error, (HttpStatusCode)status, status == 501 ? "NotImplemented" : "BadRequest", description);
        (await SendAsync(HttpMethod.Get, "/v2/registrations")).Body!.AsArray().ShouldBeEmpty();
    }
}
