using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NgsiFlow.Broker.Tests.Infrastructure;

namespace NgsiFlow.Broker.Tests;

/// <summary>
/// Query and update forwarding to context providers, replaying Orion's 3068 (NGSIv2-based forwarding), 3106
/// (supportedForwardingMode), 3745 and 3851 cases; the providers are other embedded brokers or a recording endpoint.
/// </summary>
public abstract partial class BrokerComplianceTests
{
    [Fact]
    public async Task Forwarding_query_withFourProviders_mergesWhatEachProvides_3068()
    {
        await using var cp1 = await Provider.StartAsync(Tenant);
        await using var cp2 = await Provider.StartAsync(Tenant);
        await using var cp3 = await Provider.StartAsync(Tenant);
        await using var cp4 = await Provider.StartAsync(Tenant);
        await RegisterAsync("""{"type":"T","idPattern":".*"}""", """["A1"]""", cp1.Url);
        await RegisterAsync("""{"type":"T","idPattern":".*"}""", """["A2"]""", cp2.Url);
        await RegisterAsync("""{"type":"T","idPattern":".*"}""", """["A3"]""", cp3.Url);
        await RegisterAsync("""{"type":"U","idPattern":".*"}""", """["A4"]""", cp4.Url);
        await cp1.CreateAsync("""{"id":"E1","type":"T","A1":{"value":11}}""");
        await cp2.CreateAsync("""{"id":"E2","type":"T","A2":{"value":22}}""");
        await cp3.CreateAsync("""{"id":"E3","type":"T","A3":{"value":33}}""");
        await cp4.CreateAsync("""{"id":"E4","type":"U","A4":{"value":41}}""");

        var (typeT, allOfT) = await SendAsync(HttpMethod.Get, "/v2/entities?type=T");
        var (_, allOfU) = await SendAsync(HttpMethod.Get, "/v2/entities?type=U");
        var (_, onlyA1) = await SendAsync(HttpMethod.Get, "/v2/entities?type=T&attrs=A1");

        typeT.StatusCode.ShouldBe(HttpStatusCode.OK);
        ShouldBeJson(allOfT, """
            [{"id":"E1","type":"T","A1":{"type":"Number","value":11,"metadata":{}}},
             {"id":"E2","type":"T","A2":{"type":"Number","value":22,"metadata":{}}},
             {"id":"E3","type":"T","A3":{"type":"Number","value":33,"metadata":{}}}]
            """);
        ShouldBeJson(allOfU, """[{"id":"E4","type":"U","A4":{"type":"Number","value":41,"metadata":{}}}]""");
        ShouldBeJson(onlyA1, """[{"id":"E1","type":"T","A1":{"type":"Number","value":11,"metadata":{}}}]""");
        cp1.Broker.Forwarded.ShouldBe(0, "a provider is asked, it does not forward further");
    }

    [Fact]
    public async Task Forwarding_query_onTheWire_isPostOpQueryWithTheRegistrationsSelector_3068()
    {
        var v2 = new Uri(Receiver.Url, "/v2").ToString();
        await RegisterAsync("""{"type":"T1","idPattern":".*"}""", """["A1"]""", v2);
        await RegisterAsync("""{"type":"T4","id":"E1"}""", null, v2);

        var (first, firstBody) = await SendAsync(HttpMethod.Get, "/v2/entities?type=T1");
        var (_, secondBody) = await SendAsync(HttpMethod.Get, "/v2/entities?type=T4");
        var received = await Receiver.WaitForAsync(2);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        ShouldBeJson(firstBody, "[]");
        ShouldBeJson(secondBody, "[]");
        received[0].Method.ShouldBe("POST");
        received[0].PathAndQuery.ShouldBe("/v2/op/query?limit=20&offset=0&options=count");
        received[0].Headers["Fiware-Servicepath"].ShouldBe("/");
        received[0].Headers["Fiware-Service"].ShouldBe(Tenant);
        received[0].Headers["Content-Type"].ShouldBe("application/json; charset=utf-8");
        received[0].Headers["Accept"].ShouldBe("application/json");
        received[0].Headers["Fiware-Correlator"].ShouldMatch("^[0-9a-f-]{36}; cbfwd=1$");
        ShouldBeJson(JsonNode.Parse(received[0].Body), """{"entities":[{"idPattern":".*","type":"T1"}],"attrs":["A1"]}""");
        ShouldBeJson(JsonNode.Parse(received[1].Body), """{"entities":[{"id":"E1","type":"T4"}],"attrs":[]}""");
    }

    [Fact]
    public async Task Forwarding_update_withThreeProviders_reachesTheOneHoldingEachAttribute_3068()
    {
        await using var cp1 = await Provider.StartAsync(Tenant);
        await using var cp2 = await Provider.StartAsync(Tenant);
        await using var cp3 = await Provider.StartAsync(Tenant);
        await RegisterAsync("""{"type":"T1","idPattern":".*"}""", """["A1"]""", cp1.Url);
        await RegisterAsync("""{"type":"T1","idPattern":".*"}""", """["A2"]""", cp2.Url);
        await RegisterAsync("""{"type":"T1","idPattern":".*"}""", """["A3","A4"]""", cp3.Url);
        await cp1.CreateAsync("""{"id":"E4","type":"T1","A1":{"value":"untouched"}}""");
        await cp2.CreateAsync("""{"id":"E5","type":"T1","A2":{"value":"untouched"}}""");
        await cp3.CreateAsync("""{"id":"E6","type":"T1","A3":{"value":"untouched"}}""");
        await cp3.CreateAsync("""{"id":"E7","type":"T1","A4":{"value":"untouched"}}""");

        (await SendAsync(HttpMethod.Patch, "/v2/entities/E4/attrs?type=T1", """{"A1":{"value":"updated-4"}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(HttpMethod.Patch, "/v2/entities/E5/attrs?type=T1", """{"A2":{"value":"updated-5"}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(HttpMethod.Patch, "/v2/entities/E6/attrs?type=T1", """{"A3":{"value":"updated-6"}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        ShouldBeJson(await cp1.GetAsync("/v2/entities"), """[{"id":"E4","type":"T1","A1":{"type":"Text","value":"updated-4","metadata":{}}}]""");
        ShouldBeJson(await cp2.GetAsync("/v2/entities"), """[{"id":"E5","type":"T1","A2":{"type":"Text","value":"updated-5","metadata":{}}}]""");
        ShouldBeJson(await cp3.GetAsync("/v2/entities"), """
            [{"id":"E6","type":"T1","A3":{"type":"Text","value":"updated-6","metadata":{}}},
             {"id":"E7","type":"T1","A4":{"type":"Text","value":"untouched","metadata":{}}}]
            """);
        (await SendAsync(HttpMethod.Get, "/v2/entities/E4?type=T1&options=skipForwarding")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound, "a forwarded update creates nothing locally");
    }

    [Fact]
    public async Task Forwarding_update_toAProviderNotAnswering204_is404_andOnTheWireIsPostOpUpdate_3068()
    {
        await RegisterAsync("""{"type":"T1","idPattern":".*"}""", """["A1"]""", new Uri(Receiver.Url, "/v2").ToString());

        var (response, body) = await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs?type=T1", """{"A1":{"value":12}}""");
        var received = await Receiver.WaitForAsync(1);

        ShouldBeError(response, body, HttpStatusCode.NotFound, "NotFound", "The requested entity has not been found. Check type and id");
        received[0].PathAndQuery.ShouldBe("/v2/op/update");
        received[0].Headers["Fiware-Correlator"].ShouldEndWith("; cbfwd=1");
        ShouldBeJson(JsonNode.Parse(received[0].Body), """{"actionType":"update","entities":[{"id":"E1","type":"T1","A1":{"type":"Number","value":12,"metadata":{}}}]}""");
    }

    [Theory]
    [InlineData("all", true, true)]
    [InlineData("query", true, false)]
    [InlineData("update", false, true)]
    [InlineData("none", false, false)]
    [InlineData(null, true, true)]
    public async Task Forwarding_supportedForwardingMode_decidesWhichRequestsReachTheProvider_3106(string? mode, bool queries, bool updates)
    {
        await using var cp1 = await Provider.StartAsync(Tenant);
        await cp1.CreateAsync("""{"id":"E","type":"T","A":{"type":"Text","value":"CP1"}}""");
        await RegisterAsync("""{"id":"E","type":"T"}""", """["A"]""", cp1.Url, mode);

        var (query, queried) = await SendAsync(HttpMethod.Get, "/v2/entities/E");
        var (update, updateBody) = await SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs?type=T", """{"A":{"type":"Text","value":"viaCB"}}""");
        var atProvider = await cp1.GetAsync("/v2/entities/E");

        if (queries)
        {
            query.StatusCode.ShouldBe(HttpStatusCode.OK);
            ShouldBeJson(queried, """{"id":"E","type":"T","A":{"type":"Text","value":"CP1","metadata":{}}}""");
        }
        else
        {
            ShouldBeError(query, queried, HttpStatusCode.NotFound, "NotFound", "The requested entity has not been found. Check type and id");
        }

        if (updates)
        {
            update.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }
        else
        {
            ShouldBeError(update, updateBody, HttpStatusCode.NotFound, "NotFound", "The requested entity has not been found. Check type and id");
        }

        atProvider!["A"]!["value"]!.GetValue<string>().ShouldBe(updates ? "viaCB" : "CP1");
    }

    [Fact]
    public async Task Forwarding_query_thatAsksNoRegisteredAttribute_sendsNothing_3745()
    {
        await CreateAsync("""{"id":"E1","type":"T","A":{"type":"Number","value":1},"B":{"type":"Number","value":2}}""");
        var v2 = new Uri(Receiver.Url, "/v2").ToString();
        await RegisterAsync("""{"type":"T","id":"E1"}""", """["C"]""", v2);
        await RegisterAsync("""{"type":"T","id":"E2"}""", """["C"]""", v2);
        await RegisterAsync("""{"type":"T","id":"E3"}""", """["C"]""", v2);

        var (_, list) = await SendAsync(HttpMethod.Get, "/v2/entities?attrs=A,B");
        var (_, one) = await SendAsync(HttpMethod.Get, "/v2/entities/E1?attrs=A,B");
        var (_, typed) = await SendAsync(HttpMethod.Get, "/v2/entities?type=T&attrs=A,B");

        ShouldBeJson(list, """[{"id":"E1","type":"T","A":{"type":"Number","value":1,"metadata":{}},"B":{"type":"Number","value":2,"metadata":{}}}]""");
        ShouldBeJson(one, """{"id":"E1","type":"T","A":{"type":"Number","value":1,"metadata":{}},"B":{"type":"Number","value":2,"metadata":{}}}""");
        ShouldBeJson(typed, list!.ToJsonString());
        Broker.Forwarded.ShouldBe(0);
        Receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task Forwarding_query_asksOnlyTheRequestedAttributes_3068CheckNoOverquerying()
    {
        await RegisterAsync("""{"type":"T","id":"E"}""", """["A","B","C"]""", new Uri(Receiver.Url, "/v2").ToString());

        var (_, body) = await SendAsync(HttpMethod.Post, "/v2/op/query", """{"entities":[{"id":"E","type":"T"}],"attrs":["A"]}""");
        var received = await Receiver.WaitForAsync(1);

        ShouldBeJson(body, "[]");
        ShouldBeJson(JsonNode.Parse(received[0].Body), """{"entities":[{"id":"E","type":"T"}],"attrs":["A"]}""");
    }

    [Fact]
    public async Task Forwarding_query_toAFailingOrDeadProvider_answersTheLocalData_3068()
    {
        Receiver.StatusCode = 404;
        int deadPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await CreateAsync("""{"id":"E","type":"T","A":{"type":"Number","value":1}}""");
        await RegisterAsync("""{"type":"T","id":"E"}""", """["A","B"]""", new Uri(Receiver.Url, "/badresponse").ToString());
        await RegisterAsync("""{"type":"T","id":"E"}""", """["B"]""", $"http://127.0.0.1:{deadPort}/v2");

        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/op/query", """{"entities":[{"id":"E","type":"T"}],"attrs":["A","B"]}""");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ShouldBeJson(body, """[{"id":"E","type":"T","A":{"type":"Number","value":1,"metadata":{}}}]""");
        (await Receiver.WaitForAsync(1))[0].PathAndQuery.ShouldBe("/badresponse/op/query?limit=20&offset=0&options=count");
        Broker.Forwarded.ShouldBe(2);
    }

    [Fact]
    public async Task Forwarding_lazyAttribute_completesTheLocalEntity_andLocalAttributesAreNeverAsked()
    {
        await using var cp1 = await Provider.StartAsync(Tenant);
        await cp1.CreateAsync("""{"id":"E","type":"T","A":{"value":"remote"},"B":{"value":"lazy"}}""");
        await CreateAsync("""{"id":"E","type":"T","A":{"value":"local"}}""");
        await RegisterAsync("""{"id":"E","type":"T"}""", """["A","B"]""", cp1.Url);

        var (_, entity) = await SendAsync(HttpMethod.Get, "/v2/entities/E?type=T");
        var (_, attribute) = await SendAsync(HttpMethod.Get, "/v2/entities/E/attrs/B?type=T");
        using var valueRequest = NgsiHttp.Request(HttpMethod.Get, "/v2/entities/E/attrs/B/value?type=T", tenant: Tenant);
        using var valueResponse = await Client.SendAsync(valueRequest);
        var value = await valueResponse.Content.ReadAsStringAsync();
        var (_, localOnly) = await SendAsync(HttpMethod.Get, "/v2/entities/E/attrs?type=T&options=skipForwarding");
        var forwardedBefore = Broker.Forwarded;
        var (_, onlyLocalAttr) = await SendAsync(HttpMethod.Get, "/v2/entities/E?type=T&attrs=A");

        ShouldBeJson(entity, """{"id":"E","type":"T","A":{"type":"Text","value":"local","metadata":{}},"B":{"type":"Text","value":"lazy","metadata":{}}}""");
        ShouldBeJson(attribute, """{"type":"Text","value":"lazy","metadata":{}}""");
        value.ShouldBe("\"lazy\"");
        ShouldBeJson(localOnly, """{"A":{"type":"Text","value":"local","metadata":{}}}""");
        ShouldBeJson(onlyLocalAttr, """{"id":"E","type":"T","A":{"type":"Text","value":"local","metadata":{}}}""");
        Broker.Forwarded.ShouldBe(forwardedBefore, "A is held locally, so it is not asked");
    }

    [Fact]
    public async Task Forwarding_skipForwarding_answersFromLocalDataOnly_3851()
    {
        await using var cp1 = await Provider.StartAsync(Tenant);
        await cp1.CreateAsync("""{"id":"E","type":"T","A":{"value":1}}""");
        await RegisterAsync("""{"idPattern":".*","type":"T"}""", """["A"]""", cp1.Url);

        var (one, oneBody) = await SendAsync(HttpMethod.Get, "/v2/entities/E?options=skipForwarding&type=T");
        var (_, list) = await SendAsync(HttpMethod.Get, "/v2/entities?type=T&options=skipForwarding");
        var (_, queried) = await SendAsync(HttpMethod.Post, "/v2/op/query?options=skipForwarding", """{"entities":[{"idPattern":".*","type":"T"}]}""");
        var (_, forwarded) = await SendAsync(HttpMethod.Get, "/v2/entities?type=T&options=count");

        ShouldBeError(one, oneBody, HttpStatusCode.NotFound, "NotFound", "The requested entity has not been found. Check type and id");
        ShouldBeJson(list, "[]");
        ShouldBeJson(queried, "[]");
        ShouldBeJson(forwarded, """[{"id":"E","type":"T","A":{"type":"Number","value":1,"metadata":{}}}]""");
    }

    [Fact]
    public async Task Forwarding_batchUpdate_forwardsRegisteredAttributes_andReportsTheOnesNobodyHolds()
    {
        await using var cp1 = await Provider.StartAsync(Tenant);
        await cp1.CreateAsync("""{"id":"Lamp","type":"Device","on":{"type":"command","value":""}}""");
        await CreateAsync("""{"id":"Room","type":"Place","t":{"value":20}}""");
        await RegisterAsync("""{"id":"Lamp","type":"Device"}""", """["on"]""", cp1.Url);

        var (ok, _) = await SendAsync(HttpMethod.Post, "/v2/op/update", """{"actionType":"update","entities":[{"id":"Lamp","type":"Device","on":{"type":"command","value":"ON"}},{"id":"Room","type":"Place","t":{"value":21}}]}""");
        var (partial, partialBody) = await SendAsync(HttpMethod.Post, "/v2/op/update", """{"actionType":"update","entities":[{"id":"Lamp","type":"Device","on":{"type":"command","value":"OFF"},"dim":{"value":3}}]}""");

        ok.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        ShouldBeError(partial, partialBody, HttpStatusCode.UnprocessableEntity, "PartialUpdate", "do not exist: Lamp/Device - [ dim ]");
        (await cp1.GetAsync("/v2/entities/Lamp"))!["on"]!["value"]!.GetValue<string>().ShouldBe("OFF");
        (await SendAsync(HttpMethod.Get, "/v2/entities/Room/attrs/t/value")).Body!.GetValue<double>().ShouldBe(21);
    }

    [Fact]
    public async Task Forwarding_putValue_ofARegisteredAttribute_reachesTheProvider_andAnUnknownOneIs404()
    {
        await using var cp1 = await Provider.StartAsync(Tenant);
        await cp1.CreateAsync("""{"id":"Lamp","type":"Device","level":{"value":1}}""");
        await RegisterAsync("""{"id":"Lamp","type":"Device"}""", """["level"]""", cp1.Url);

        using var put = NgsiHttp.Request(HttpMethod.Put, "/v2/entities/Lamp/attrs/level/value?type=Device", "7", Tenant, contentType: "text/plain");
        using var putResponse = await Client.SendAsync(put);
        using var unknown = NgsiHttp.Request(HttpMethod.Put, "/v2/entities/Lamp/attrs/colour/value?type=Device", "3", Tenant, contentType: "text/plain");
        using var unknownResponse = await Client.SendAsync(unknown);

        putResponse.StatusCode.ShouldBe(HttpStatusCode.NoContent, await putResponse.Content.ReadAsStringAsync());
        (await cp1.GetAsync("/v2/entities/Lamp/attrs/level"))!["value"]!.GetValue<double>().ShouldBe(7);
        unknownResponse.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Broker.Forwarded.ShouldBe(1, "only the registered attribute is sent on");
    }

    [Theory]
    [InlineData("limit=3", "A1 A2 A3")]
    [InlineData("limit=5", "A1 A2 A3 A4 A5")]
    [InlineData("limit=10", "A1 A2 A3 A4 A5 B1 B2 B3 B4 B5")]
    [InlineData("limit=20", "A1 A2 A3 A4 A5 B1 B2 B3 B4 B5 B6 B7 B8 B9 B10 C1 C2 C3 C4 C5")]
    [InlineData("offset=3", "A4 A5 B1 B2 B3 B4 B5 B6 B7 B8 B9 B10 C1 C2 C3 C4 C5 C6 C7 C8")]
    [InlineData("offset=10", "B6 B7 B8 B9 B10 C1 C2 C3 C4 C5 C6 C7 C8 C9 C10")]
    [InlineData("limit=10&offset=5", "B1 B2 B3 B4 B5 B6 B7 B8 B9 B10")]
    [InlineData("limit=10&offset=18", "C4 C5 C6 C7 C8 C9 C10")]
    [InlineData("limit=0", "")]
    public async Task Forwarding_pagination_ordersLocalThenProvidersByRegistration_andCountsAllOfThem_4149(string paging, string expected)
    {
        await using var cp1 = await Provider.StartAsync(Tenant);
        await using var cp2 = await Provider.StartAsync(Tenant);
        for (var i = 1; i <= 10; i++)
        {
            if (i <= 5)
            {
                await CreateAsync("""{"id":"AN","type":"T"}""".Replace("N", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            }

            await cp1.CreateAsync("""{"id":"BN","type":"T","A1":{"value":1}}""".Replace("N", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            await cp2.CreateAsync("""{"id":"CN","type":"T","A2":{"value":1}}""".Replace("N", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        await RegisterAsync("""{"idPattern":".*","type":"T"}""", """["A1"]""", cp1.Url);
        await RegisterAsync("""{"idPattern":".*","type":"T"}""", """["A2"]""", cp2.Url);

        var (response, body) = await SendAsync(HttpMethod.Get, "/v2/entities?idPattern=.*&type=T&options=count&" + paging);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        string.Join(' ', body!.AsArray().Select(e => e!["id"]!.GetValue<string>())).ShouldBe(expected);
        response.Headers.GetValues("Fiware-Total-Count").Single().ShouldBe("25");
    }

    private async Task RegisterAsync(string entity, string? attrs, string url, string? mode = null)
    {
        var provider = new JsonObject { ["http"] = new JsonObject { ["url"] = url } };
        if (mode is not null)
        {
            provider["supportedForwardingMode"] = mode;
        }

        var dataProvided = new JsonObject { ["entities"] = new JsonArray(JsonNode.Parse(entity)) };
        if (attrs is not null)
        {
            dataProvided["attrs"] = JsonNode.Parse(attrs);
        }

        var registration = new JsonObject { ["dataProvided"] = dataProvided, ["provider"] = provider };
        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/registrations", registration.ToJsonString());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
    }

    private static void ShouldBeJson(JsonNode? actual, string expected) =>
        JsonNode.DeepEquals(actual, JsonNode.Parse(expected)).ShouldBeTrue($"expected {JsonNode.Parse(expected)!.ToJsonString()}{Environment.NewLine}but was  {actual?.ToJsonString()}");

    /// <summary>A context provider: another embedded broker, answering NGSIv2 queries and updates for one tenant.</summary>
    private sealed class Provider : IAsyncDisposable
    {
        private readonly HttpClient _client;
        private readonly string _tenant;

        private Provider(ContextBroker broker, string tenant)
        {
            Broker = broker;
            _tenant = tenant;
            _client = new HttpClient { BaseAddress = broker.BaseAddress };
        }

        public ContextBroker Broker { get; }

        public string Url => new Uri(Broker.BaseAddress, "v2").ToString();

        public static async Task<Provider> StartAsync(string tenant) => new(await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }), tenant);

        public async Task CreateAsync(string json)
        {
            var (response, body) = await _client.SendAsync(HttpMethod.Post, "/v2/entities", json, _tenant);
            response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        }

        public async Task<JsonNode?> GetAsync(string path) => (await _client.SendAsync(HttpMethod.Get, path, null, _tenant)).Body;

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await Broker.DisposeAsync();
        }
    }
}
