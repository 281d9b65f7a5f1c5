using System.Net;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests;

/// <summary>Orion's update operators (orion-api.md, "Update operators for attribute values"), on both stores.</summary>
public abstract partial class BrokerComplianceTests
{
    [Theory]
    [InlineData("2", """{"$inc":2}""", "4")]
    [InlineData("3", """{"$mul":2}""", "6")]
    [InlineData("2", """{"$min":1}""", "1")]
    [InlineData("2", """{"$min":5}""", "2")]
    [InlineData("2", """{"$max":10}""", "10")]
    [InlineData("2", """{"$max":1}""", "2")]
    [InlineData("[1,2,3]", """{"$push":3}""", "[1,2,3,3]")]
    [InlineData("[1,2,3,3]", """{"$push":{"$each":[4,5]}}""", "[1,2,3,3,4,5]")]
    [InlineData("[1,2,3]", """{"$push":{"$each":[-1,0],"$position":0}}""", "[-1,0,1,2,3]")]
    [InlineData("[1,2,3]", """{"$addToSet":4}""", "[1,2,3,4]")]
    [InlineData("[1,2,3]", """{"$addToSet":3}""", "[1,2,3]")]
    [InlineData("[1,2,3,2]", """{"$pull":2}""", "[1,3]")]
    [InlineData("[1,2,3]", """{"$pullAll":[2,3]}""", "[1]")]
    [InlineData("""{"X":1,"Y":2}""", """{"$set":{"Y":20,"Z":30}}""", """{"X":1,"Y":20,"Z":30}""")]
    [InlineData("""{"X":1,"Y":2}""", """{"$set":"foo"}""", "\"foo\"")]
    [InlineData("""{"X":1,"Y":{"a":1,"b":2}}""", """{"$set":{"Y.b":20}}""", """{"X":1,"Y":{"a":1,"b":20}}""")]
    [InlineData("""{"X":1,"Y":2}""", """{"$unset":{"X":1}}""", """{"Y":2}""")]
    [InlineData("""{"X":1,"Y":{"a":1,"b":2}}""", """{"$unset":{"Y.a":null}}""", """{"X":1,"Y":{"b":2}}""")]
    [InlineData("""{"X":1,"Y":2}""", """{"$set":{"Y":20,"Z":30},"$unset":{"X":1}}""", """{"Y":20,"Z":30}""")]
    [InlineData("""{"X":1}""", """{"$unset":"X"}""", """{"X":1}""")]
    public async Task UpdateOperator_applies_to_the_stored_value(string before, string operation, string after)
    {
        await CreateAsync("{\"id\":\"E\",\"type\":\"T\",\"A\":{\"value\":" + before + ",\"type\":\"Any\"}}");

        var (response, body) = await SendAsync(HttpMethod.Put, "/v2/entities/E/attrs/A", "{\"value\":" + operation + ",\"type\":\"Any\"}");

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent, body?.ToJsonString());
        (await ValueAsync("E", "A")).ShouldBe(JsonNode.Parse(after)!.ToJsonString());
    }

    [Fact]
    public async Task UpdateOperators_on_create_start_from_zero_empty_and_the_epoch_and_removers_create_nothing()
    {
        await CreateAsync("""
            {"id":"E","type":"T",
             "inc":{"value":{"$inc":4},"type":"Number"},
             "mul":{"value":{"$mul":1000},"type":"Number"},
             "push":{"value":{"$push":4},"type":"Array"},
             "set":{"value":{"$set":{"X":1}},"type":"Object"},
             "max":{"value":{"$max":"2026-12-03T10:00:00.000Z"},"type":"DateTime"},
             "unset":{"value":{"$unset":1},"type":"Object"},
             "pull":{"value":{"$pull":1},"type":"Array"},
             "B":{"value":3,"type":"Number"}}
            """);

        var (_, body) = await SendAsync(HttpMethod.Get, "/v2/entities/E?options=keyValues");

        body!.ToJsonString().ShouldBe("""{"id":"E","type":"T","inc":4,"mul":0,"push":[4],"set":{"X":1},"max":"2026-12-03T10:00:00.000Z","B":3}""");
    }

    [Fact]
    public async Task UpdateOperators_max_of_DateTime_compares_dates_and_patch_and_batch_apply_them_too()
    {
        await CreateAsync("""{"id":"E","type":"T","seen":{"value":"2026-12-03T10:00:00.000Z","type":"DateTime"},"n":{"value":1,"type":"Number"}}""");

        (await SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", """{"seen":{"value":{"$max":"2026-12-03T09:00:00.000Z"},"type":"DateTime"},"n":{"value":{"$inc":1}}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(HttpMethod.Post, "/v2/op/update", """{"actionType":"update","entities":[{"id":"E","type":"T","n":{"value":{"$inc":10}}}]}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(HttpMethod.Put, "/v2/entities/E/attrs/n/value", """{"$mul":2}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await ValueAsync("E", "seen")).ShouldBe("\"2026-12-03T10:00:00.000Z\"");
        (await ValueAsync("E", "n")).ShouldBe("24");
    }

    [Fact]
    public async Task UpdateOperator_notification_carries_the_resulting_value()
    {
        await CreateAsync("""{"id":"E","type":"T","n":{"value":5,"type":"Number"}}""");
        await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E"}],"condition":{"attrs":["n"]}},"notification":{"http":{"url":"@URL@"},"attrsFormat":"keyValues"}}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", """{"n":{"value":{"$inc":2}}}""");

        var received = await Receiver.WaitForAsync(1);
        JsonNode.Parse(received[0].Body)!["data"]![0]!["n"]!.GetValue<double>().ShouldBe(7);
    }

    [Theory]
    [InlineData("""{"value":{"$inc":"foo"},"type":"Number"}""", "cannot apply $inc to attribute 'A': $inc takes a number, not a string")]
    [InlineData("""{"value":{"$push":1},"type":"Array"}""", "cannot apply $push to attribute 'A': the attribute's value is a number, not an array")]
    [InlineData("""{"value":{"$set":{"X":1}},"type":"Object"}""", "cannot apply $set to attribute 'A': the attribute's value is a number, not an object")]
    [InlineData("""{"value":{"$set":{"X":20},"$unset":{"X":1}},"type":"Object"}""", "cannot apply $set to attribute 'A': the same key is in $set and in $unset")]
    public async Task UpdateOperator_that_cannot_apply_is_a_400_and_changes_nothing(string attribute, string description)
    {
        await CreateAsync("""{"id":"E","type":"T","A":{"value":10,"type":"Number"},"B":{"value":1,"type":"Number"}}""");

        var (response, body) = await SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", "{\"B\":{\"value\":2},\"A\":" + attribute + "}");

        ShouldBeError(response, body, HttpStatusCode.BadRequest, "BadRequest", description);
        (await ValueAsync("E", "A")).ShouldBe("10");
        (await ValueAsync("E", "B")).ShouldBe("1");
    }

    private async Task<string> ValueAsync(string id, string attribute)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, $"/v2/entities/{id}?options=keyValues&attrs={attribute}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return body![attribute]?.ToJsonString() ?? "null";
    }
}
