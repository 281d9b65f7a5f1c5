using System.Diagnostics;
using System.Net;

namespace NgsiFlow.Broker.Tests;

/// <summary>Transient entities (orion-api.md "Transient Entities", functional cases 3000_allow_creation_transient_entities)
/// and user attributes named like builtins, on both stores.</summary>
public abstract partial class BrokerComplianceTests
{
    [Fact]
    public async Task Transient_entity_shows_dateExpires_only_when_asked_and_not_in_its_type()
    {
        await CreateAsync("""{"id":"t1","type":"Ticket","n":{"value":1},"dateExpires":{"value":"2088-07-07T21:35:00Z","type":"DateTime"}}""");

        var (_, plain) = await SendAsync(HttpMethod.Get, "/v2/entities/t1?options=keyValues");
        var (_, asked) = await SendAsync(HttpMethod.Get, "/v2/entities/t1?options=keyValues&attrs=dateExpires,*");
        var (_, type) = await SendAsync(HttpMethod.Get, "/v2/types/Ticket");

        plain!.ToJsonString().ShouldBe("""{"id":"t1","type":"Ticket","n":1}""");
        asked!.ToJsonString().ShouldBe("""{"id":"t1","type":"Ticket","n":1,"dateExpires":"2088-07-07T21:35:00.000Z"}""");
        type!["attrs"]!.AsObject().Select(p => p.Key).ShouldBe(["n"]);
    }

    [Fact]
    public async Task Transient_entity_created_expired_is_deleted_by_the_sweep()
    {
        await CreateAsync("""{"id":"t2","type":"Ticket","dateExpires":{"value":"2010-01-01T00:00:00Z","type":"DateTime"}}""");
        await CreateAsync("""{"id":"keep","type":"Ticket","n":{"value":1}}""");

        await UntilAsync(async () => (await SendAsync(HttpMethod.Get, "/v2/entities/t2")).Response.StatusCode == HttpStatusCode.NotFound, "t2 to expire");

        (await SendAsync(HttpMethod.Get, "/v2/entities/keep")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Regular_entity_made_transient_by_an_update_expires_and_one_whose_dateExpires_is_deleted_stays()
    {
        await CreateAsync("""{"id":"a","type":"Ticket","dateExpires":{"value":"2088-01-01T00:00:00Z","type":"DateTime"}}""");
        await CreateAsync("""{"id":"b","type":"Ticket","n":{"value":1}}""");

        (await SendAsync(HttpMethod.Delete, "/v2/entities/a/attrs/dateExpires")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(HttpMethod.Post, "/v2/entities/b/attrs", """{"dateExpires":{"value":"2011-01-01T00:00:00Z","type":"DateTime"}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await UntilAsync(async () => (await SendAsync(HttpMethod.Get, "/v2/entities/b")).Response.StatusCode == HttpStatusCode.NotFound, "b to expire");
        (await SendAsync(HttpMethod.Get, "/v2/entities/a")).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"type":"DateTime","value":"invalid-01-01T00:00:00Z"}""", "date has invalid format in attribute value")]
    [InlineData("""{"type":"invalidType","value":"2018-01-01T00:00:00Z"}""", "error processing date expiration attribute, see log traces")]
    [InlineData("""{"type":"DateTime","value":42}""", "date has invalid format in attribute value")]
    public async Task Transient_entity_with_a_bad_dateExpires_is_refused(string attribute, string description)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/entities", "{\"id\":\"E1\",\"type\":\"T1\",\"dateExpires\":" + attribute + "}");

        ShouldBeError(response, body, HttpStatusCode.BadRequest, "BadRequest", description);
    }

    [Fact]
    public async Task User_attribute_named_like_a_builtin_is_shown_and_wins_over_the_builtin()
    {
        await CreateAsync("""{"id":"E","type":"T","dateModified":{"value":"2050-01-01","type":"Text"}}""");

        var (_, plain) = await SendAsync(HttpMethod.Get, "/v2/entities/E?options=keyValues");
        var (_, asked) = await SendAsync(HttpMethod.Get, "/v2/entities/E?options=keyValues&attrs=dateModified");

        plain!.ToJsonString().ShouldBe("""{"id":"E","type":"T","dateModified":"2050-01-01"}""");
        asked!.ToJsonString().ShouldBe("""{"id":"E","type":"T","dateModified":"2050-01-01"}""");
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"waited 30 s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
