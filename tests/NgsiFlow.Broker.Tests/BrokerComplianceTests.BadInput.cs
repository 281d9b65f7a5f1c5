using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests;

// Bodies a gateway or a hostile client sends: each gets Orion's ParseError with what was wrong and where, never a 500.
public abstract partial class BrokerComplianceTests
{
    public static TheoryData<string, byte[], string> BadBodies() => new()
    {
        // Regression: invalid UTF-8 in a property name answered 500 "unexpected error: InvalidOperationException".
        { "/v2/entities", [.. "{\"id\":\"E1\",\"type\":\"T\",\"t"u8, 0x93, .. "\":{\"value\":1}}"u8], "invalid UTF-8 at byte 24" },
        { "/v2/op/update", [.. "{\"actionType\":\"append\",\"entities\":[{\"id\":\"E"u8, 0xED, 0xA0, 0x80, .. "\",\"type\":\"T\"}]}"u8], "invalid UTF-8 at byte 43" },
        { "/v2/subscriptions", [.. "{\"description\":\""u8, 0xC0, 0xAF, .. "\"}"u8], "invalid UTF-8 at byte 16" },
        // Regression: a key given twice was taken silently, losing the first value.
        { "/v2/entities", "{\"id\":\"E1\",\"id\":\"E2\",\"type\":\"T\"}"u8.ToArray(), "duplicate key 'id' at byte 11" },
        { "/v2/entities", "{\"id\":\"E1\",\"type\":\"T\",\"t\":{\"value\":1,\"value\":2}}"u8.ToArray(), "duplicate key 'value' at byte 37" },
        { "/v2/entities", "{\"id\":\"E1\",\"type\":\"T\",\"t\":{\"value\":1e400}}"u8.ToArray(), "a number out of range at byte 35" },
        { "/v2/entities", Encoding.ASCII.GetBytes("{\"id\":\"E1\",\"type\":\"T\",\"t\":{\"value\":" + new string('[', 100) + new string(']', 100) + "}}"), string.Empty },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_bad_bytes_returns_400_parse_error_naming_what_and_where(string path, byte[] body, string detail)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Fiware-Service", Tenant);
        using var response = await Client.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        answer!["error"]!.GetValue<string>().ShouldBe("ParseError");
        if (detail.Length == 0)
        {
            answer["description"]!.GetValue<string>().ShouldBe("Errors found in incoming JSON buffer");
        }
        else
        {
            answer["description"]!.GetValue<string>().ShouldBe("Errors found in incoming JSON buffer: " + detail);
        }
        var (after, _) = await SendAsync(HttpMethod.Get, "/v2/entities/E1");
        after.StatusCode.ShouldBe(HttpStatusCode.NotFound, "nothing of a refused body is stored");
    }
}
