using System.Net;
using System.Text.Json.Nodes;
using NgsiFlow.Broker.Tests.Infrastructure;

namespace NgsiFlow.Broker.Tests;

/// <summary>
/// The behaviour every store must show, run once per store by a subclass. Each test uses its own tenant, so that
/// tests on a shared database never see each other's data.
/// </summary>
public abstract partial class BrokerComplianceTests : IAsyncLifetime
{
    protected ContextBroker Broker { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected NotificationReceiver Receiver { get; private set; } = null!;

    /// <summary>A tenant unique to this test.</summary>
    protected string Tenant { get; } = "t" + Guid.NewGuid().ToString("N")[..16];

    protected abstract Task<ContextBroker> StartBrokerAsync();

    /// <summary>Fills @URL@ (the receiver) and @ID@ (a subscription id) into a JSON template.</summary>
    protected string T(string template, string id = "") => template.Replace("@URL@", Receiver.Url.ToString(), StringComparison.Ordinal).Replace("@ID@", id, StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        Broker = await StartBrokerAsync();
        Client = new HttpClient { BaseAddress = Broker.BaseAddress };
        Receiver = await NotificationReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Broker.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    protected Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string? servicePath = null, string? tenant = null) =>
        Client.SendAsync(method, path, json, tenant ?? Tenant, servicePath);

    protected async Task CreateAsync(string json, string? servicePath = null, string? tenant = null)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/entities", json, servicePath, tenant);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
    }

    protected async Task<string> SubscribeAsync(string json, string? servicePath = null, string? tenant = null)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/subscriptions", json, servicePath, tenant);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        return response.Headers.Location!.ToString()["/v2/subscriptions/".Length..];
    }

    protected static void ShouldBeError(HttpResponseMessage response, JsonNode? body, HttpStatusCode status, string error, string description)
    {
        response.StatusCode.ShouldBe(status);
        body.ShouldNotBeNull();
        body["error"]!.GetValue<string>().ShouldBe(error);
        body["description"]!.GetValue<string>().ShouldBe(description);
    }

    /// <summary>Replays the request/response pairs of TestData/manual (one file per endpoint group).</summary>
    [Theory]
    [MemberData(nameof(ManualCases))]
    public Task ManualCase_replayed_matches_status_headers_and_body(string file, string caseName) =>
        ManualReplay.RunAsync(Client, Receiver, () => Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10)), Tenant, file, caseName);

    public static IEnumerable<object[]> ManualCases() => ManualReplay.Cases();

    [Fact]
    public async Task CreateEntity_then_get_returns_normalized_entity_with_defaults()
    {
        await CreateAsync("""{"id":"Room1","type":"Room","temperature":{"value":21.5},"name":{"value":"hall"}}""");

        var (response, body) = await SendAsync(HttpMethod.Get, "/v2/entities/Room1");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.DeepEquals(body, JsonNode.Parse("""{"id":"Room1","type":"Room","temperature":{"type":"Number","value":21.5,"metadata":{}},"name":{"type":"Text","value":"hall","metadata":{}}}""")).ShouldBeTrue(body!.ToJsonString());
    }

    [Fact]
    public async Task CreateEntity_existing_returns_422_already_exists()
    {
        await CreateAsync("""{"id":"E1","type":"T"}""");

        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E1","type":"T"}""");

        ShouldBeError(response, body, HttpStatusCode.UnprocessableEntity, "Unprocessable", "Already Exists");
    }

    [Fact]
    public async Task PatchAttrs_existing_attribute_updates_value_and_keeps_others()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1},"b":{"value":"x"}}""");

        var (patch, _) = await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":2}}""");
        var (_, body) = await SendAsync(HttpMethod.Get, "/v2/entities/E1?options=keyValues");

        patch.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        JsonNode.DeepEquals(body, JsonNode.Parse("""{"id":"E1","type":"T","a":2,"b":"x"}""")).ShouldBeTrue(body!.ToJsonString());
    }

    [Fact]
    public async Task PatchAttrs_unknown_attribute_returns_422_naming_it()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");

        var (response, body) = await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"zz":{"value":2}}""");

        ShouldBeError(response, body, HttpStatusCode.UnprocessableEntity, "Unprocessable", "do not exist: E1 - [ zz ]");
    }

    [Theory]
    [InlineData("""{"idPattern":"E.*","type":"T","x":{"value":1}}""", HttpStatusCode.NotImplemented, "NotImplemented", "NotImplemented")]
    [InlineData("""{"id":"E1","idPattern":"E.*","x":{"value":1}}""", HttpStatusCode.BadRequest, "BadRequest", "both /id/ and /idPattern/ present")]
    public async Task BatchUpdate_idPattern_isRefusedAsOrionRefusesIt(string entity, HttpStatusCode status, string error, string description)
    {
        await CreateAsync("""{"id":"E1","type":"T","x":{"value":0}}""");

        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/op/update", $$"""{"actionType":"update","entities":[{{entity}}]}""");
        var (_, stored) = await SendAsync(HttpMethod.Get, "/v2/entities/E1/attrs/x/value");

        ShouldBeError(response, body, status, error, description);
        stored!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task BatchUpdate_append_update_delete_round_trip()
    {
        var (append, _) = await SendAsync(HttpMethod.Post, "/v2/op/update", """{"actionType":"append","entities":[{"id":"A","type":"T","x":{"value":1}},{"id":"B","type":"T","x":{"value":2}}]}""");
        var (update, _) = await SendAsync(HttpMethod.Post, "/v2/op/update", """{"actionType":"update","entities":[{"id":"A","type":"T","x":{"value":10}}]}""");
        var (delete, _) = await SendAsync(HttpMethod.Post, "/v2/op/update", """{"actionType":"delete","entities":[{"id":"B","type":"T"}]}""");
        var (_, list) = await SendAsync(HttpMethod.Get, "/v2/entities?options=keyValues");

        append.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        update.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        JsonNode.DeepEquals(list, JsonNode.Parse("""[{"id":"A","type":"T","x":10}]""")).ShouldBeTrue(list!.ToJsonString());
    }

    [Fact]
    public async Task Subscription_normalized_notifies_with_orion_headers_and_payload()
    {
        await CreateAsync("""{"id":"E1","type":"T","status":{"value":1}}""");
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1","type":"T"}]},"notification":{"http":{"url":"@URL@"}}}"""));

        using var request = NgsiHttp.Request(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"status":{"type":"Number","value":22}}""", Tenant, "/");
        request.Headers.Add("Fiware-Correlator", "corr-1");
        (await Client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var received = (await Receiver.WaitForAsync(1))[0];

        received.Method.ShouldBe("POST");
        received.Header("Fiware-Service").ShouldBe(Tenant);
        received.Header("Fiware-ServicePath").ShouldBe("/");
        received.Header("Fiware-Correlator").ShouldBe("corr-1; cbnotif=1");
        received.Header("Ngsiv2-AttrsFormat").ShouldBe("normalized");
        received.Header("Content-Type").ShouldBe("application/json; charset=utf-8");
        JsonNode.DeepEquals(JsonNode.Parse(received.Body), JsonNode.Parse(T("""{"subscriptionId":"@ID@","data":[{"id":"E1","type":"T","status":{"type":"Number","value":22,"metadata":{}}}]}""", id))).ShouldBeTrue(received.Body);
    }

    [Fact]
    public async Task Subscription_keyValues_with_attrs_renders_only_those_in_order()
    {
        await CreateAsync("""{"id":"E1","type":"none","A1":{"value":1},"A2":{"value":2},"A3":{"value":3}}""");
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"idPattern":".*"}]},"notification":{"http":{"url":"@URL@"},"attrs":["A3","A1","A2"],"attrsFormat":"keyValues"}}"""));

        (await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"A1":{"value":1},"A2":{"value":2},"A3":{"value":33}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var received = (await Receiver.WaitForAsync(1))[0];

        received.Header("Ngsiv2-AttrsFormat").ShouldBe("keyValues");
        received.Body.ShouldBe(T("""{"subscriptionId":"@ID@","data":[{"id":"E1","type":"none","A3":33,"A1":1,"A2":2}]}""", id));
    }

    [Fact]
    public async Task Subscription_values_format_follows_attrs_order()
    {
        await CreateAsync("""{"id":"E1","type":"T","A1":{"value":1},"A2":{"value":2}}""");
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"},"attrs":["A2","A1"],"attrsFormat":"values"}}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"A1":{"value":5}}""");
        var received = (await Receiver.WaitForAsync(1))[0];

        received.Body.ShouldBe(T("""{"subscriptionId":"@ID@","data":[[2,5]]}""", id));
    }

    [Fact]
    public async Task Update_with_same_value_does_not_notify_but_forcedUpdate_does()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");
        await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"}}}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":1}}""");
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs?options=forcedUpdate", """{"a":{"value":1}}""");
        await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Subscription_condition_attrs_and_q_filter_triggers()
    {
        await CreateAsync("""{"id":"E1","type":"T","temperature":{"value":10},"humidity":{"value":50}}""");
        await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}],"condition":{"attrs":["temperature"],"expression":{"q":"temperature>40"}}},"notification":{"http":{"url":"@URL@"},"attrsFormat":"keyValues"}}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"humidity":{"value":60}}""");
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"temperature":{"value":20}}""");
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"temperature":{"value":45}}""");
        await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(1);
        JsonNode.Parse(Receiver.Received[0].Body)!["data"]![0]!["temperature"]!.GetValue<double>().ShouldBe(45);
    }
}
