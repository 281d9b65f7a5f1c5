using System.Net;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests;

/// <summary>Fiware-Service isolation and Fiware-ServicePath hierarchy.</summary>
public abstract partial class BrokerComplianceTests
{
    private string OtherTenant => Tenant + "x";

    [Fact]
    public async Task Tenants_entities_are_invisible_uncountable_and_untyped_across_services()
    {
        await CreateAsync("""{"id":"Shared","type":"Secret","a":{"value":1}}""");

        var (get, getBody) = await SendAsync(HttpMethod.Get, "/v2/entities/Shared", tenant: OtherTenant);
        var (list, listBody) = await SendAsync(HttpMethod.Get, "/v2/entities?options=count", tenant: OtherTenant);
        var (_, types) = await SendAsync(HttpMethod.Get, "/v2/types", tenant: OtherTenant);
        var (_, type) = await SendAsync(HttpMethod.Get, "/v2/types/Secret", tenant: OtherTenant);
        var (_, query) = await SendAsync(HttpMethod.Post, "/v2/op/query", "{}", tenant: OtherTenant);
        var (patch, _) = await SendAsync(HttpMethod.Patch, "/v2/entities/Shared/attrs", """{"a":{"value":2}}""", tenant: OtherTenant);
        var (_, own) = await SendAsync(HttpMethod.Get, "/v2/entities/Shared?options=keyValues");

        ShouldBeError(get, getBody, HttpStatusCode.NotFound, "NotFound", "The requested entity has not been found. Check type and id");
        list.Headers.GetValues("Fiware-Total-Count").Single().ShouldBe("0");
        listBody!.AsArray().Count.ShouldBe(0);
        types!.AsArray().Count.ShouldBe(0);
        type!["error"]!.GetValue<string>().ShouldBe("NotFound");
        query!.AsArray().Count.ShouldBe(0);
        patch.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        own!["a"]!.GetValue<double>().ShouldBe(1);
    }

    [Fact]
    public async Task Tenants_same_id_in_two_services_are_two_entities()
    {
        await CreateAsync("""{"id":"E","type":"T","a":{"value":1}}""");
        await CreateAsync("""{"id":"E","type":"T","a":{"value":2}}""", tenant: OtherTenant);

        var (_, mine) = await SendAsync(HttpMethod.Get, "/v2/entities/E/attrs/a/value");
        var (_, theirs) = await SendAsync(HttpMethod.Get, "/v2/entities/E/attrs/a/value", tenant: OtherTenant);

        mine!.GetValue<double>().ShouldBe(1);
        theirs!.GetValue<double>().ShouldBe(2);
    }

    [Fact]
    public async Task Tenants_subscriptions_are_neither_listed_nor_notified_across_services()
    {
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"idPattern":".*"}]},"notification":{"http":{"url":"@URL@"}}}"""));
        await CreateAsync("""{"id":"Mine","type":"T","a":{"value":1}}""");
        await CreateAsync("""{"id":"Theirs","type":"T","a":{"value":1}}""", tenant: OtherTenant);
        await SendAsync(HttpMethod.Patch, "/v2/entities/Theirs/attrs", """{"a":{"value":5}}""", tenant: OtherTenant);

        var (list, listBody) = await SendAsync(HttpMethod.Get, "/v2/subscriptions?options=count", tenant: OtherTenant);
        var (get, _) = await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id, tenant: OtherTenant);
        var (delete, _) = await SendAsync(HttpMethod.Delete, "/v2/subscriptions/" + id, tenant: OtherTenant);
        await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        list.Headers.GetValues("Fiware-Total-Count").Single().ShouldBe("0");
        listBody!.AsArray().Count.ShouldBe(0);
        get.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        delete.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Receiver.Received.Count.ShouldBe(1);
        JsonNode.Parse(Receiver.Received[0].Body)!["data"]![0]!["id"]!.GetValue<string>().ShouldBe("Mine");
        Receiver.Received[0].Header("Fiware-Service").ShouldBe(Tenant);
    }

    [Fact]
    public async Task Tenants_default_service_sends_no_service_header_and_is_separate()
    {
        var defaultId = "D" + Guid.NewGuid().ToString("N")[..8];
        using var create = new HttpRequestMessage(HttpMethod.Post, "v2/entities") { Content = new StringContent($$"""{"id":"{{defaultId}}","type":"T"}""", System.Text.Encoding.UTF8, "application/json") };
        (await Client.SendAsync(create)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var (named, _) = await SendAsync(HttpMethod.Get, "/v2/entities/" + defaultId);
        var unnamed = await Client.GetAsync("v2/entities/" + defaultId);

        named.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unnamed.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Client.DeleteAsync("v2/entities/" + defaultId);
    }

    [Fact]
    public async Task Tenant_name_with_bad_characters_answers_400()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/v2/entities", tenant: "bad-tenant!");

        ShouldBeError(response, body, HttpStatusCode.BadRequest, "BadRequest", "bad character in tenant name");
    }

    [Fact]
    public async Task ServicePath_queries_are_exact_or_recursive_with_hash()
    {
        await CreateAsync("""{"id":"A","type":"T"}""", "/city/north");
        await CreateAsync("""{"id":"B","type":"T"}""", "/city/south");
        await CreateAsync("""{"id":"C","type":"T"}""", "/city");
        await CreateAsync("""{"id":"D","type":"T"}""", "/other");

        async Task<string[]> Ids(string servicePath) =>
            (await SendAsync(HttpMethod.Get, "/v2/entities?orderBy=id", servicePath: servicePath)).Body!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToArray();

        (await Ids("/city/#")).ShouldBe(["A", "B", "C"]);
        (await Ids("/city")).ShouldBe(["C"]);
        (await Ids("/city/north")).ShouldBe(["A"]);
        (await Ids("/city/north, /other")).ShouldBe(["A", "D"]);
        (await Ids("/#")).ShouldBe(["A", "B", "C", "D"]);
        (await Ids("/")).ShouldBeEmpty();
    }

    [Fact]
    public async Task ServicePath_same_id_in_two_paths_updates_only_the_addressed_one()
    {
        await CreateAsync("""{"id":"E","type":"T","a":{"value":1}}""", "/p1");
        await CreateAsync("""{"id":"E","type":"T","a":{"value":1}}""", "/p2");

        (await SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", """{"a":{"value":9}}""", "/p2")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var (ambiguous, ambiguousBody) = await SendAsync(HttpMethod.Get, "/v2/entities/E", servicePath: "/#");

        (await SendAsync(HttpMethod.Get, "/v2/entities/E/attrs/a/value", servicePath: "/p1")).Body!.GetValue<double>().ShouldBe(1);
        (await SendAsync(HttpMethod.Get, "/v2/entities/E/attrs/a/value", servicePath: "/p2")).Body!.GetValue<double>().ShouldBe(9);
        ShouldBeError(ambiguous, ambiguousBody, HttpStatusCode.Conflict, "TooManyResults", "More than one matching entity. Please refine your query");
    }

    [Fact]
    public async Task ServicePath_invalid_headers_answer_orion_errors()
    {
        var (recursiveUpdate, body1) = await SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E","type":"T"}""", "/a/#");
        var (relative, body2) = await SendAsync(HttpMethod.Get, "/v2/entities", servicePath: "a/b");
        var (illegal, body3) = await SendAsync(HttpMethod.Get, "/v2/entities", servicePath: "/a-b");
        var (twoForUpdate, body4) = await SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E","type":"T"}""", "/a, /b");

        ShouldBeError(recursiveUpdate, body1, HttpStatusCode.BadRequest, "BadRequest", "service path cannot contain '#' in an update request");
        ShouldBeError(relative, body2, HttpStatusCode.BadRequest, "BadRequest", "Only /absolute/ Service Paths allowed [a service path must begin with /]");
        ShouldBeError(illegal, body3, HttpStatusCode.BadRequest, "BadRequest", "a component of ServicePath contains an illegal character");
        ShouldBeError(twoForUpdate, body4, HttpStatusCode.BadRequest, "BadRequest", "more than one service path in context update request");
    }

    [Fact]
    public async Task ServicePath_subscription_with_hash_notifies_subtree_only_with_entity_path_header()
    {
        await SubscribeAsync(T("""{"subject":{"entities":[{"idPattern":".*"}]},"notification":{"http":{"url":"@URL@"},"attrsFormat":"keyValues"}}"""), "/city/#");
        await CreateAsync("""{"id":"Out","type":"T"}""", "/other");
        await CreateAsync("""{"id":"In","type":"T"}""", "/city/north");

        var received = await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(1);
        received[0].Header("Fiware-ServicePath").ShouldBe("/city/north");
        JsonNode.Parse(received[0].Body)!["data"]![0]!["id"]!.GetValue<string>().ShouldBe("In");
    }
}
