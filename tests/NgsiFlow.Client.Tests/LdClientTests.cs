using System.Net;
using System.Text.Json.Nodes;
using NgsiFlow.Client.Tests.Infrastructure;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Tests;

/// <summary>
/// NGSI-LD request building and answer parsing at the HTTP boundary: no NGSI-LD broker can run here, so the
/// answers are Orion-LD's recorded wire formats (TestData/SOURCES.md).
/// </summary>
public sealed class LdClientTests
{
    private const string CoreLink = "<https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";

    private static readonly FiwareContext Tenant = new("smartcity", "/", "corr-42");

    private static NgsiLdClient Client(RecordingHandler handler, Uri? context = null) => new(new NgsiClientOptions
    {
        BaseAddress = new Uri("http://orion-ld.test:1026/"),
        Fiware = Tenant,
        LdContext = context ?? new Uri(NgsiLdContexts.Core),
        Retry = new NgsiRetryOptions { MaxRetries = 0 },
    }, handler);

    private static string EntityFromFixture(string file, int index = 0) =>
        JsonNode.Parse(TestData.Read("ngsild", file))!["data"]![index]!.ToJsonString();

    [Fact]
    public async Task GetEntityAsync_sends_ld_headers_and_parses_an_orion_ld_entity()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, EntityFromFixture("orionld-notification-normalized-rich.json"));
        using var client = Client(handler);

        var entity = await client.GetEntityAsync("urn:ngsi-ld:T:12/3", attrs: ["P"]);

        var request = handler.Single;
        request.Method.ShouldBe("GET");
        request.Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/entities/urn%3Angsi-ld%3AT%3A12%2F3");
        request.Query("attrs").ShouldBe("P");
        request.Header("NGSILD-Tenant").ShouldBe("smartcity");
        request.Header("Fiware-Service").ShouldBeNull();
        request.Header("Fiware-ServicePath").ShouldBeNull();
        request.Header("Fiware-Correlator").ShouldBe("corr-42");
        request.Header("Link").ShouldBe(CoreLink);
        request.Header("Accept").ShouldBe("application/json");
        var expected = NgsiLdParser.ParseEntity(System.Text.Encoding.UTF8.GetBytes(EntityFromFixture("orionld-notification-normalized-rich.json")));
        entity.ShouldBe(expected);
        entity.Attributes["P"].SubAttributes.Count.ShouldBeGreaterThan(2);
    }

    [Fact]
    public async Task GetEntityAsync_maps_problem_details_and_TryGet_returns_null()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.NotFound, TestData.Read("ngsild", "orionld-problem-404.json"));
        using var client = Client(handler);

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.GetEntityAsync("urn:ngsi-ld:Room:404"));
        var missing = await client.TryGetEntityAsync("urn:ngsi-ld:Room:404");

        error.StatusCode.ShouldBe(404);
        error.Error.ShouldBe("ResourceNotFound");
        error.ProblemType.ShouldBe("https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound");
        error.Description.ShouldBe("urn:ngsi-ld:Room:404");
        error.Method.ShouldBe("GET");
        error.RequestUri!.AbsolutePath.ShouldBe("/ngsi-ld/v1/entities/urn%3Angsi-ld%3ARoom%3A404");
        missing.ShouldBeNull();
    }

    [Fact]
    public async Task QueryEntitiesAsync_builds_the_query_and_pages_until_a_short_page()
    {
        var page = TestData.Read("ngsild", "orionld-notification-languageproperty-simplified.json");
        var entities = JsonNode.Parse(page)!["data"]!.ToJsonString();
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, entities).Answer(HttpStatusCode.OK, "[]");
        using var client = Client(handler, new Uri("http://ctx.test/my-context.jsonld"));

        var found = await client.QueryEntitiesAsync(new NgsiLdEntityQuery
        {
            Types = ["T", "U"],
            Q = "L==\"yes\"",
            Attrs = ["L"],
            Representation = NgsiLdRepresentation.Simplified,
            PageSize = 1,
        }).ToListAsync();

        found.Count.ShouldBe(1);
        found[0].Id.ShouldBe("urn:E1");
        var requests = handler.Requests.ToArray();
        requests.Length.ShouldBe(2);
        requests[0].Query("type").ShouldBe("T,U");
        requests[0].Query("q").ShouldBe("L==\"yes\"");
        requests[0].Query("attrs").ShouldBe("L");
        requests[0].Query("options").ShouldBe("keyValues");
        requests[0].Query("limit").ShouldBe("1");
        requests[0].Query("offset").ShouldBe("0");
        requests[1].Query("offset").ShouldBe("1");
        requests[0].Header("Link").ShouldStartWith("<http://ctx.test/my-context.jsonld>;");
    }

    [Fact]
    public async Task QueryEntitiesAsync_without_any_filter_is_refused_before_sending()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, "[]");
        using var client = Client(handler);

        var error = await Should.ThrowAsync<ArgumentException>(() => client.QueryEntitiesAsync(new NgsiLdEntityQuery()).ToListAsync().AsTask());

        error.Message.ShouldContain("at least one of");
        handler.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task CreateEntityAsync_sends_json_with_Link_or_ld_json_with_its_own_context()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.Created, null, headers: ("Location", "/ngsi-ld/v1/entities/urn:E1"));
        using var client = Client(handler);
        var plain = new NgsiLdEntity("urn:E1", ["T"], new NgsiLdAttributeCollection([new NgsiLdProperty("temperature", 21.5)]));
        var withContext = new NgsiLdEntity("urn:E2", ["T"], new NgsiLdAttributeCollection([new NgsiLdProperty("temperature", 3)])) { Context = NgsiValue.FromString("http://ctx.test/c.jsonld") };

        await client.CreateEntityAsync(plain);
        await client.CreateEntityAsync(withContext);

        var requests = handler.Requests.ToArray();
        requests[0].ContentType.ShouldBe("application/json");
        requests[0].Header("Link").ShouldBe(CoreLink);
        NgsiLdParser.ParseEntity(System.Text.Encoding.UTF8.GetBytes(requests[0].Body)).ShouldBe(plain);
        requests[1].ContentType.ShouldBe("application/ld+json");
        requests[1].Header("Link").ShouldBeNull();
        JsonNode.Parse(requests[1].Body)!["@context"]!.GetValue<string>().ShouldBe("http://ctx.test/c.jsonld");
    }

    [Fact]
    public async Task UpdateAttributesAsync_patches_and_a_207_names_the_attributes_not_updated()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.NoContent).Answer(HttpStatusCode.MultiStatus, TestData.Read("ngsild", "update-207-notupdated.json"));
        using var client = Client(handler);
        NgsiLdAttribute[] attrs = [new NgsiLdProperty("temperature", 22) { ObservedAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) }];

        await client.UpdateAttributesAsync("urn:E1", attrs);
        var error = await Should.ThrowAsync<NgsiClientException>(() => client.UpdateAttributesAsync("urn:E1", attrs));

        var first = handler.Requests.First();
        first.Method.ShouldBe("PATCH");
        first.Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/entities/urn%3AE1/attrs");
        NgsiLdParser.ParseAttributes(System.Text.Encoding.UTF8.GetBytes(first.Body)).ShouldBe(attrs);
        error.StatusCode.ShouldBe(207);
        error.Error.ShouldBe("PartialUpdate");
        error.BatchErrors.ShouldHaveSingleItem().Error.ShouldBe("humidity");
        error.Description!.ShouldContain("attribute not found");
    }

    [Fact]
    public async Task AppendAttributesAsync_posts_with_noOverwrite()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.NoContent);
        using var client = Client(handler);

        await client.AppendAttributesAsync("urn:E1", [new NgsiLdRelationship("owner", "urn:P:1")], noOverwrite: true);

        handler.Single.Method.ShouldBe("POST");
        handler.Single.Query("options").ShouldBe("noOverwrite");
        JsonNode.Parse(handler.Single.Body)!["owner"]!["object"]!.GetValue<string>().ShouldBe("urn:P:1");
    }

    [Fact]
    public async Task BatchUpsertAsync_posts_the_entities_and_reads_the_created_ids()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.Created, TestData.Read("ngsild", "orionld-batch-upsert-201.json"));
        using var client = Client(handler);
        NgsiLdEntity[] entities =
        [
            new("urn:ngsi-ld:WeatherObserved:BMP180:22828", ["WeatherObserved"], new NgsiLdAttributeCollection([new NgsiLdProperty("temperature", 21.9)])),
            new("urn:ngsi-ld:WeatherObserved:BMP180:15333", ["WeatherObserved"], new NgsiLdAttributeCollection([new NgsiLdProperty("temperature", 29.55)])),
        ];

        var result = await client.BatchUpsertAsync(entities);

        handler.Single.Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/entityOperations/upsert");
        handler.Single.Query("options").ShouldBe("update");
        NgsiLdParser.ParseEntities(System.Text.Encoding.UTF8.GetBytes(handler.Single.Body)).ShouldBe(entities);
        result.StatusCode.ShouldBe(201);
        result.Created.ShouldBe(entities.Select(e => e.Id));
    }

    [Fact]
    public async Task BatchUpsertAsync_207_with_errors_throws_one_error_per_failed_entity()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.MultiStatus, TestData.Read("ngsild", "batch-207-partial.json"));
        using var client = Client(handler);

        var error = await Should.ThrowAsync<NgsiClientException>(() =>
            client.BatchUpsertAsync([new NgsiLdEntity("urn:ngsi-ld:Room:1", "Room"), new NgsiLdEntity("urn:ngsi-ld:Room:2", "Room")], replace: true));

        handler.Single.Query("options").ShouldBe("replace");
        error.StatusCode.ShouldBe(207);
        var failed = error.BatchErrors.ShouldHaveSingleItem();
        failed.ShouldBe(new NgsiBatchError("urn:ngsi-ld:Room:2", 400, "BadRequestData", "temperature: the value of a Property cannot be null"));
    }

    [Fact]
    public async Task BatchUpdateAsync_and_BatchDeleteAsync_use_their_endpoints()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.NoContent);
        using var client = Client(handler);

        var updated = await client.BatchUpdateAsync([new NgsiLdEntity("urn:E1", "T")], noOverwrite: true);
        await client.BatchDeleteAsync(["urn:E1", "urn:E2"]);

        var requests = handler.Requests.ToArray();
        requests[0].Uri.PathAndQuery.ShouldBe("/ngsi-ld/v1/entityOperations/update?options=noOverwrite");
        updated.StatusCode.ShouldBe(204);
        requests[1].Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/entityOperations/delete");
        JsonNode.Parse(requests[1].Body)!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["urn:E1", "urn:E2"]);
    }

    [Fact]
    public async Task CreateSubscriptionAsync_writes_the_ld_subscription_and_returns_the_location_id()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.Created, null, headers: ("Location", "/ngsi-ld/v1/subscriptions/urn:ngsi-ld:Subscription:5f0c"));
        using var client = Client(handler);

        var id = await client.CreateSubscriptionAsync(new NgsiLdSubscription
        {
            SubscriptionName = "rooms",
            Entities = [new NgsiLdEntitySelector("Room") { IdPattern = "urn:ngsi-ld:Room:.*" }],
            WatchedAttributes = ["temperature"],
            Q = "temperature>20",
            Notification = new NgsiLdSubscriptionNotification(new NgsiLdEndpoint(new Uri("http://receiver.test:8080/ld/job1"))
            {
                Accept = "application/json",
                ReceiverInfo = new Dictionary<string, string> { ["X-Secret"] = "s3cr3t" },
            })
            {
                Attributes = ["temperature"],
                Format = NgsiLdRepresentation.Simplified,
            },
            ExpiresAt = new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Throttling = 5,
        });

        id.ShouldBe("urn:ngsi-ld:Subscription:5f0c");
        var body = JsonNode.Parse(handler.Single.Body)!;
        handler.Single.Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/subscriptions");
        body["type"]!.GetValue<string>().ShouldBe("Subscription");
        body["entities"]![0]!["type"]!.GetValue<string>().ShouldBe("Room");
        body["entities"]![0]!["idPattern"]!.GetValue<string>().ShouldBe("urn:ngsi-ld:Room:.*");
        body["watchedAttributes"]![0]!.GetValue<string>().ShouldBe("temperature");
        body["q"]!.GetValue<string>().ShouldBe("temperature>20");
        body["notification"]!["format"]!.GetValue<string>().ShouldBe("keyValues");
        body["notification"]!["endpoint"]!["uri"]!.GetValue<string>().ShouldBe("http://receiver.test:8080/ld/job1");
        body["notification"]!["endpoint"]!["receiverInfo"]![0]!["key"]!.GetValue<string>().ShouldBe("X-Secret");
        body["expiresAt"]!.GetValue<string>().ShouldBe("2040-01-01T00:00:00.000Z");
        body["throttling"]!.GetValue<double>().ShouldBe(5);
    }

    [Fact]
    public async Task ListSubscriptionsAsync_parses_orion_ld_subscriptions_with_their_counters()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, TestData.Read("ngsild", "orionld-subscriptions-get.json"));
        using var client = Client(handler);

        var subscriptions = await client.ListSubscriptionsAsync().ToListAsync();

        subscriptions.Count.ShouldBe(2);
        var s1 = subscriptions[0];
        s1.Id.ShouldBe("urn:S1");
        s1.Entities!.ShouldHaveSingleItem().Type.ShouldBe("T");
        s1.Q.ShouldBe("P3==1|P3==2");
        s1.Status.ShouldBe("active");
        s1.IsActive.ShouldBe(true);
        s1.TimeInterval.ShouldBe(2);
        s1.Notification!.Attributes.ShouldBe(["P1", "P2"]);
        s1.Notification.Format.ShouldBe(NgsiLdRepresentation.Normalized);
        s1.Notification.Endpoint.Uri.ShouldBe(new Uri("http://127.0.0.1:9997/notify"));
        s1.Notification.Endpoint.Accept.ShouldBe("application/json");
        s1.Notification.TimesSent.ShouldBe(1);
        s1.Notification.LastNotification.ShouldBe(new DateTimeOffset(2024, 10, 21, 10, 15, 30, 123, TimeSpan.Zero));
        s1.Notification.Status.ShouldBe("ok");
        subscriptions[1].Notification!.TimesSent.ShouldBeNull();
    }

    [Fact]
    public async Task Subscription_get_update_and_delete_use_the_subscription_url()
    {
        var one = JsonNode.Parse(TestData.Read("ngsild", "orionld-subscriptions-get.json"))![0]!.ToJsonString();
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, one).Answer(HttpStatusCode.NoContent).Answer(HttpStatusCode.NoContent)
            .Answer(HttpStatusCode.NotFound, TestData.Read("ngsild", "orionld-problem-404.json"));
        using var client = Client(handler);

        var read = await client.GetSubscriptionAsync("urn:S1");
        await client.UpdateSubscriptionAsync("urn:S1", new NgsiLdSubscription { ExpiresAt = new DateTimeOffset(2041, 1, 1, 0, 0, 0, TimeSpan.Zero), IsActive = false });
        await client.DeleteSubscriptionAsync("urn:S1");
        var gone = await client.TryGetSubscriptionAsync("urn:S1");

        read.Id.ShouldBe("urn:S1");
        var requests = handler.Requests.ToArray();
        requests.Select(r => r.Method).ShouldBe(["GET", "PATCH", "DELETE", "GET"]);
        requests.ShouldAllBe(r => r.Uri.AbsolutePath == "/ngsi-ld/v1/subscriptions/urn%3AS1");
        var patch = JsonNode.Parse(requests[1].Body)!.AsObject();
        patch.Select(p => p.Key).ShouldBe(["type", "expiresAt", "isActive"]);
        gone.ShouldBeNull();
    }

    [Fact]
    public async Task QueryTemporalAsync_builds_the_time_window_and_parses_instances()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, TestData.Read("ngsild", "temporal-normalized.json"));
        using var client = Client(handler);
        var from = new DateTimeOffset(2021, 9, 16, 10, 0, 0, TimeSpan.Zero);

        var entities = await client.QueryTemporalAsync(new NgsiLdTemporalQuery
        {
            Types = ["Animal"],
            Attrs = ["heartRate", "sex", "location"],
            TimeRelation = NgsiLdTimeRelation.Between,
            TimeAt = from,
            EndTimeAt = from.AddHours(1),
            LastN = 3,
        }).ToListAsync();

        var request = handler.Single;
        request.Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/temporal/entities");
        request.Query("timerel").ShouldBe("between");
        request.Query("timeAt").ShouldBe("2021-09-16T10:00:00.000Z");
        request.Query("endTimeAt").ShouldBe("2021-09-16T11:00:00.000Z");
        request.Query("lastN").ShouldBe("3");
        request.Query("type").ShouldBe("Animal");
        request.Query("attrs").ShouldBe("heartRate,sex,location");
        var cow = entities.ShouldHaveSingleItem();
        cow.Id.ShouldBe("urn:ngsi-ld:Animal:cow001");
        cow.Type.ShouldBe("Animal");
        var heart = cow.Get("heartRate")!;
        heart.Kind.ShouldBe("Property");
        heart.Values.Select(v => v.Value.GetNumber()).ShouldBe([52.0, 53.0]);
        heart.Values.First().At.ShouldBe(new DateTimeOffset(2021, 9, 16, 10, 26, 41, 108, TimeSpan.Zero));
        ((NgsiLdProperty)heart.Instances[0]).UnitCode.ShouldBe("5K");
        heart.Instances[0].SubAttributes.TryGet("providedBy", out var providedBy).ShouldBeTrue();
        ((NgsiLdRelationship)providedBy!).Object.ShouldBe("urn:ngsi-ld:Device:cow001");
        var sex = cow.Get("sex")!;
        sex.Instances.ShouldHaveSingleItem().MainValue.GetString().ShouldBe("male");
        sex.Values.Single().At.ShouldBe(new DateTimeOffset(2021, 9, 16, 10, 22, 39, 650, TimeSpan.Zero));
        cow.Get("location")!.Kind.ShouldBe("GeoProperty");
    }

    [Fact]
    public async Task GetTemporalEntityAsync_parses_the_simplified_temporalValues_form()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, TestData.Read("ngsild", "temporal-values.json"));
        using var client = Client(handler);

        var cow = await client.GetTemporalEntityAsync("urn:ngsi-ld:Animal:cow002", new NgsiLdTemporalQuery
        {
            TemporalValues = true,
            TimeRelation = NgsiLdTimeRelation.Before,
            TimeAt = new DateTimeOffset(2021, 9, 17, 0, 0, 0, TimeSpan.Zero),
            TimeProperty = "observedAt",
        });

        handler.Single.Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/temporal/entities/urn%3Angsi-ld%3AAnimal%3Acow002");
        handler.Single.Query("options").ShouldBe("temporalValues");
        handler.Single.Query("timerel").ShouldBe("before");
        handler.Single.Query("timeproperty").ShouldBe("observedAt");
        cow.Get("heartRate")!.Values.Select(v => v.Value.GetNumber()).ShouldBe([52.0, 51.0, 50.0]);
        cow.Get("heartRate")!.Values.Last().At.ShouldBe(new DateTimeOffset(2021, 9, 16, 10, 59, 52, 138, TimeSpan.Zero));
        cow.Get("location")!.Kind.ShouldBe("GeoProperty");
        cow.Get("location")!.Values.First().Value["coordinates"][0].GetNumber().ShouldBe(13.416);
        var owner = cow.Get("owner")!;
        owner.Kind.ShouldBe("Relationship");
        ((NgsiLdRelationship)owner.Instances.Single()).Object.ShouldBe("urn:ngsi-ld:Person:farmer1");
    }

    [Fact]
    public async Task Temporal_query_with_between_and_no_end_is_refused_before_sending()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, "[]");
        using var client = Client(handler);

        var error = await Should.ThrowAsync<ArgumentException>(() => client.QueryTemporalAsync(new NgsiLdTemporalQuery
        {
            Types = ["Animal"],
            TimeRelation = NgsiLdTimeRelation.Between,
            TimeAt = DateTimeOffset.UtcNow,
        }).ToListAsync().AsTask());

        error.Message.ShouldContain("EndTimeAt is required");
        handler.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_malformed_temporal_answer_raises_a_format_error_with_its_path()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, """[{"id":"urn:x","type":"T","heartRate":{"type":"Property","values":[[52.0,"not a date"]]}}]""");
        using var client = Client(handler);

        var error = await Should.ThrowAsync<NgsiFormatException>(() => client.QueryTemporalAsync(new NgsiLdTemporalQuery { Types = ["T"] }).ToListAsync().AsTask());

        error.JsonPath.ShouldBe("$[0].heartRate.values[0][1]");
    }

    [Fact]
    public async Task HasSameDefinition_matches_an_orion_ld_echo_of_the_definition()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, TestData.Read("ngsild", "orionld-subscriptions-get.json"));
        using var client = Client(handler);
        var definition = new NgsiLdSubscription
        {
            Entities = [new NgsiLdEntitySelector("T")],
            Q = "P3==1|P3==2",
            Notification = new NgsiLdSubscriptionNotification(new NgsiLdEndpoint(new Uri("http://127.0.0.1:9997/notify"))) { Attributes = ["P1", "P2"] },
        };

        var echoes = await client.ListSubscriptionsAsync().ToListAsync();

        echoes[1].HasSameDefinition(definition).ShouldBeTrue();
        echoes[0].HasSameDefinition(definition).ShouldBeFalse();
        echoes[0].HasSameDefinition(definition with { TimeInterval = 2 }).ShouldBeTrue();
    }

    [Fact]
    public async Task DeleteEntityAsync_and_SendAsync_carry_the_ld_headers()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.NoContent);
        using var client = Client(handler);

        await client.DeleteEntityAsync("urn:E1");
        var raw = await client.SendAsync(HttpMethod.Post, "ngsi-ld/v1/entityOperations/upsert", "[]"u8.ToArray(), safeToRetry: true,
            fiware: new FiwareContext("other", "/", null));

        var requests = handler.Requests.ToArray();
        requests[0].Method.ShouldBe("DELETE");
        requests[0].Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/entities/urn%3AE1");
        requests[1].Uri.AbsolutePath.ShouldBe("/ngsi-ld/v1/entityOperations/upsert");
        requests[1].Header("NGSILD-Tenant").ShouldBe("other");
        requests[1].Header("Link").ShouldBe(CoreLink);
        requests[1].Body.ShouldBe("[]");
        raw.StatusCode.ShouldBe(204);
    }
}
