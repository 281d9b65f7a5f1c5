using System.Net;
using System.Text.Json;
using NgsiFlow.Client;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

/// <summary>
/// No NGSI-LD broker is available here. The LD side is checked at its HTTP boundaries instead: the subscription and
/// the write-back are captured by a recording loopback endpoint standing in for the broker, and the notification is
/// Orion-LD's recorded wire request (TestData/ngsild) posted to the receiver as an LD broker sends it.
/// </summary>
public sealed class EndToEndLdTests
{
    [Fact]
    public async Task Ld_job_subscribes_receives_recorded_notification_writes_back_with_context_and_tenant_and_unsubscribes()
    {
        await using var ld = await RecordingServer.StartAsync(r => r switch
        {
            { Method: "GET" } => (200, "[]", null),
            { Method: "POST", Path: "/ngsi-ld/v1/subscriptions" } => (201, null, "/ngsi-ld/v1/subscriptions/urn:subs:S1"),
            _ => (204, null, null),
        });
        var farm = new FiwareContext("farm", "/", null);
        await using var connector = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0, SharedSecretHeader = "X-Flow-Key", SharedSecret = "k1" } });
        var broker = connector.AddBroker(BrokerConnection.Ld(new NgsiClientOptions { BaseAddress = ld.BaseAddress, Fiware = farm }));
        var replier = connector.Replier(broker);
        var job = new StreamJob("langs");
        connector.Subscribe(job, broker, new SubscriptionRequest { Entities = [EntityFilter.OfType("T")], ConditionAttributes = ["L"], Lifetime = TimeSpan.FromHours(2) })
            .ForEachAsync((e, ct) => new ValueTask(replier.UpdateAttributesAsync(e, [new NgsiLdProperty("seen", NgsiValue.FromBoolean(true))], ct)));
        await connector.StartAsync(CancellationToken.None);

        var subscription = connector.Subscriptions.ShouldHaveSingleItem();
        subscription.Id.ShouldBe("urn:subs:S1");
        var created = ld.Requests.Single(r => r.Method == "POST" && r.Path == "/ngsi-ld/v1/subscriptions");
        created.Header("NGSILD-Tenant").ShouldBe("farm");
        using (var doc = JsonDocument.Parse(created.Body))
        {
            var root = doc.RootElement;
            root.GetProperty("type").GetString().ShouldBe("Subscription");
            root.GetProperty("entities")[0].GetProperty("type").GetString().ShouldBe("T");
            root.GetProperty("watchedAttributes")[0].GetString().ShouldBe("L");
            root.GetProperty("description").GetString().ShouldBe(subscription.Description);
            root.TryGetProperty("expiresAt", out _).ShouldBeTrue();
            var endpoint = root.GetProperty("notification").GetProperty("endpoint");
            endpoint.GetProperty("uri").GetString().ShouldBe(subscription.NotificationUrl!.AbsoluteUri);
            endpoint.GetProperty("receiverInfo").EnumerateArray().Select(i => (i.GetProperty("key").GetString(), i.GetProperty("value").GetString()))
                .ShouldContain(("X-Flow-Key", "k1"));
        }

        // What Orion-LD sends for this subscription (recorded wire format), with the receiverInfo header it was given.
        var wire = TestFiles.Request("ngsild/orionld-wire-notification-normalized.http");
        wire.Headers.Add("NGSILD-Tenant", "farm").Add("X-Flow-Key", "k1").Add("Fiware-Correlator", "c0ffee; cbnotif=3");
        using var http = new HttpClient();
        using var content = new ByteArrayContent(wire.Body);
        content.Headers.ContentType = new("application/json");
        using var post = new HttpRequestMessage(HttpMethod.Post, subscription.NotificationUrl) { Content = content };
        foreach (var (name, value) in wire.Headers.Where(h => h.Key is not ("Content-Type" or "Content-Length" or "Host")))
        {
            post.Headers.TryAddWithoutValidation(name, value);
        }

        using var answer = await http.SendAsync(post);
        answer.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await connector.StopAsync(CancellationToken.None);

        var patch = ld.Requests.Single(r => r.Method == "PATCH");
        patch.Path.ShouldBe("/ngsi-ld/v1/entities/urn:E1/attrs");
        patch.Header("NGSILD-Tenant").ShouldBe("farm");
        patch.Header("Fiware-Correlator").ShouldBe("c0ffee");
        patch.Header("Content-Type")!.ShouldStartWith("application/ld+json");
        patch.Header("Link").ShouldBeNull();
        using (var body = JsonDocument.Parse(patch.Body))
        {
            body.RootElement.GetProperty("@context").ToString().ShouldContain("ngsi-ld-core-context-v1.6.jsonld");
            body.RootElement.GetProperty("seen").GetProperty("value").GetBoolean().ShouldBeTrue();
        }

        // Deleted at stop, before the jobs drained (so the broker sends nothing more while they finish).
        ld.Requests.Single(r => r.Method == "DELETE").Path.ShouldBe("/ngsi-ld/v1/subscriptions/urn:subs:S1");
    }

    [Fact]
    public async Task Ld_upserts_within_the_window_become_one_batch_upsert()
    {
        await using var ld = await RecordingServer.StartAsync(_ => (204, null, null));
        using var broker = BrokerConnection.Ld(new NgsiClientOptions { BaseAddress = ld.BaseAddress });
        await using var replier = new NgsiReplier(broker, new ReplierOptions { BatchWindow = TimeSpan.FromSeconds(10), MaxBatchSize = 10 });
        var context = NgsiValue.FromString("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld");

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => replier.UpsertEntityAsync(
            new NgsiLdEntity($"urn:ngsi-ld:Sensor:{i}", ["Sensor"], new NgsiLdAttributeCollection([new NgsiLdProperty("v", NgsiValue.FromNumber(i))])),
            context,
            null,
            CancellationToken.None)));

        var batch = ld.Requests.ShouldHaveSingleItem();
        batch.Path.ShouldBe("/ngsi-ld/v1/entityOperations/upsert?options=update");
        using var doc = JsonDocument.Parse(batch.Body);
        doc.RootElement.GetArrayLength().ShouldBe(10);
        replier.GetStatistics().Confirmed.ShouldBe(10);
    }
}
