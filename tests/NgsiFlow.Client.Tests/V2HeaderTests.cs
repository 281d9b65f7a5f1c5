using System.Net;
using System.Text;
using NgsiFlow.Client.Tests.Infrastructure;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Tests;

[Collection(BrokerCollection.Name)]
public sealed class V2HeaderTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Every_call_carries_the_fiware_headers_of_its_context()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.NoContent);
        using var client = new NgsiV2Client(new NgsiClientOptions
        {
            BaseAddress = new Uri("http://orion.test:1026/"),
            Fiware = new FiwareContext("default_tenant", "/plant", null),
        }, handler);

        await client.UpdateAttributesAsync("urn:x", [new NgsiV2Attribute("t", 1, "Number")], fiware: new FiwareContext("smartcity", "/madrid", "9a3c1e52-5c1f-11ef-8a2b-0242ac120003; cbnotif=1"));
        await client.DeleteEntityAsync("urn:x");

        var requests = handler.Requests.ToArray();
        requests[0].Header("Fiware-Service").ShouldBe("smartcity");
        requests[0].Header("Fiware-ServicePath").ShouldBe("/madrid");
        requests[0].Header("Fiware-Correlator").ShouldBe("9a3c1e52-5c1f-11ef-8a2b-0242ac120003; cbnotif=1");
        requests[0].Header("Accept").ShouldBe("application/json");
        requests[0].ContentType.ShouldBe("application/json");
        requests[0].Header("Link").ShouldBeNull();
        requests[0].Header("NGSILD-Tenant").ShouldBeNull();
        requests[0].Header("User-Agent").ShouldBe("NgsiFlow/0.1");
        requests[1].Header("Fiware-Service").ShouldBe("default_tenant");
        requests[1].Header("Fiware-ServicePath").ShouldBe("/plant");
        requests[1].Header("Fiware-Correlator").ShouldBeNull();
    }

    [Fact]
    public async Task The_broker_echoes_the_correlator_the_client_passed_through()
    {
        var seen = new List<string?>();
        await using var proxy = await TestServer.StartAsync(async context =>
        {
            seen.Add(context.Request.Headers["Fiware-Correlator"].ToString());
            context.Response.StatusCode = 204;
            await Task.CompletedTask;
        });
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = proxy.BaseAddress });

        await client.UpsertEntityAsync(V2EntityTests.Room("urn:H:1", 1), fiware: new FiwareContext(string.Empty, "/", "corr-77"));

        seen.ShouldBe(["corr-77"]);
    }

    [Fact]
    public async Task SendAsync_posts_a_raw_body_and_checks_the_answer()
    {
        using var client = new NgsiV2Client(fixture.Options("raw"));
        var body = Encoding.UTF8.GetBytes("""{"id":"urn:Raw:1","type":"Room","temperature":{"type":"Number","value":7}}""");

        var created = await client.SendAsync(HttpMethod.Post, "/v2/entities", body);
        var again = await Should.ThrowAsync<NgsiClientException>(() => client.SendAsync(HttpMethod.Post, "v2/entities", body));
        var read = await client.SendAsync(HttpMethod.Get, "v2/entities/urn:Raw:1?options=keyValues", ReadOnlyMemory<byte>.Empty);

        created.StatusCode.ShouldBe(201);
        created.Location.ShouldBe("/v2/entities/urn:Raw:1?type=Room");
        again.StatusCode.ShouldBe(422);
        NgsiValue.Parse(read.Body.Span)["temperature"].GetNumber().ShouldBe(7);
    }

    [Fact]
    public async Task Subscription_with_exceptAttrs_metadata_alterationTypes_mq_and_oneshot_round_trips()
    {
        using var client = new NgsiV2Client(fixture.Options("subfull"));
        var definition = new NgsiV2Subscription
        {
            Subject = new NgsiV2SubscriptionSubject
            {
                Entities = [new NgsiV2EntitySelector { IdPattern = "^urn:", TypePattern = "^Ro" }],
                Condition = new NgsiV2SubscriptionCondition
                {
                    Mq = "temperature.accuracy<0.5",
                    AlterationTypes = ["entityCreate", "entityUpdate"],
                    NotifyOnMetadataChange = false,
                },
            },
            Notification = new NgsiV2SubscriptionNotification
            {
                HttpCustom = new NgsiV2HttpCustomNotification("http://127.0.0.1:9/${id}")
                {
                    Method = "PUT",
                    Json = NgsiValue.FromObject(new NgsiMember("t", "${temperature}")),
                },
                ExceptAttrs = ["secret"],
                Metadata = ["dateModified"],
                MaxFailsLimit = 3,
            },
            Status = NgsiV2SubscriptionStatus.Oneshot,
        };

        var id = await client.CreateSubscriptionAsync(definition);
        var read = await client.GetSubscriptionAsync(id);

        read.Subject!.Entities.ShouldHaveSingleItem().TypePattern.ShouldBe("^Ro");
        read.Subject.Condition!.Mq.ShouldBe("temperature.accuracy<0.5");
        read.Subject.Condition.AlterationTypes.ShouldBe(["entityCreate", "entityUpdate"]);
        read.Subject.Condition.NotifyOnMetadataChange.ShouldBe(false);
        read.Notification!.HttpCustom!.Method.ShouldBe("PUT");
        read.Notification.HttpCustom.Json!.Value["t"].GetString().ShouldBe("${temperature}");
        read.Notification.ExceptAttrs.ShouldBe(["secret"]);
        read.Notification.Attrs.ShouldBeNull();
        read.Notification.Metadata.ShouldBe(["dateModified"]);
        read.Notification.MaxFailsLimit.ShouldBe(3);
        read.Status.ShouldBe(NgsiV2SubscriptionStatus.Oneshot);
        read.HasSameDefinition(definition).ShouldBeTrue();
    }
}
