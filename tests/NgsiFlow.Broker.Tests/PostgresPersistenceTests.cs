using System.Net;
using System.Text.Json.Nodes;
using NgsiFlow.Broker.Tests.Infrastructure;
using NgsiFlow.Testing;

namespace NgsiFlow.Broker.Tests;

/// <summary>Entities and subscriptions on PostgreSQL survive a broker restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPersistenceTests(PostgresFixture postgres)
{
    private async Task<ContextBroker> StartAsync(string database) =>
        await ContextBroker.StartAsync(new BrokerOptions { Port = 0, Store = BrokerStoreKind.Postgres, PostgresConnectionString = await postgres.DatabaseAsync(database) });

    [Fact]
    public async Task Restart_keeps_entities_attributes_metadata_and_subscriptions()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        string subscriptionId;
        JsonNode? entityBefore;
        await using (var broker = await StartAsync("restart"))
        {
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            (await client.SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"Room1","type":"Room","temperature":{"value":21.5,"metadata":{"unit":{"value":"CEL"}}},"tags":{"value":["a","b"]}}""", "acme", "/floor1")).Response.StatusCode.ShouldBe(HttpStatusCode.Created);
            (await client.SendAsync(HttpMethod.Patch, "/v2/entities/Room1/attrs", """{"temperature":{"value":23}}""", "acme", "/floor1")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            (await client.SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"Gone","type":"Room"}""", "acme", "/floor1")).Response.StatusCode.ShouldBe(HttpStatusCode.Created);
            (await client.SendAsync(HttpMethod.Delete, "/v2/entities/Gone", null, "acme", "/floor1")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            var (created, _) = await client.SendAsync(HttpMethod.Post, "/v2/subscriptions", $$$"""{"description":"kept","subject":{"entities":[{"idPattern":".*","type":"Room"}]},"notification":{"http":{"url":"{{{receiver.Url}}}"},"attrsFormat":"keyValues"},"throttling":0}""", "acme", "/#");
            subscriptionId = created.Headers.Location!.ToString().Split('/').Last();
            entityBefore = (await client.SendAsync(HttpMethod.Get, "/v2/entities/Room1?attrs=*,dateCreated,dateModified&metadata=*,dateCreated", null, "acme", "/floor1")).Body;
        }

        await using (var broker = await StartAsync("restart"))
        {
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            var (response, entityAfter) = await client.SendAsync(HttpMethod.Get, "/v2/entities/Room1?attrs=*,dateCreated,dateModified&metadata=*,dateCreated", null, "acme", "/floor1");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            JsonNode.DeepEquals(entityBefore, entityAfter).ShouldBeTrue(entityAfter!.ToJsonString());
            (await client.SendAsync(HttpMethod.Get, "/v2/entities/Gone", null, "acme", "/floor1")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);

            var (_, subscription) = await client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + subscriptionId, null, "acme");
            subscription!["description"]!.GetValue<string>().ShouldBe("kept");
            subscription["notification"]!["attrsFormat"]!.GetValue<string>().ShouldBe("keyValues");

            (await client.SendAsync(HttpMethod.Patch, "/v2/entities/Room1/attrs", """{"temperature":{"value":30}}""", "acme", "/floor1")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            var received = await receiver.WaitForAsync(1);
            JsonNode.Parse(received[0].Body)!["data"]![0]!["temperature"]!.GetValue<double>().ShouldBe(30);
            received[0].Header("Fiware-Service").ShouldBe("acme");
            received[0].Header("Fiware-ServicePath").ShouldBe("/floor1");
        }
    }

    [Fact]
    public async Task Restart_keeps_registrations_and_their_order()
    {
        string first;
        JsonNode? before;
        await using (var broker = await StartAsync("registrations"))
        {
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            var (created, _) = await client.SendAsync(HttpMethod.Post, "/v2/registrations", """{"description":"lazy","dataProvided":{"entities":[{"id":"room2","type":"Room"}],"attrs":["humidity"]},"provider":{"http":{"url":"http://cp:1234"}}}""", "acme", "/floor1");
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
            first = created.Headers.Location!.ToString().Split('/').Last();
            (await client.SendAsync(HttpMethod.Post, "/v2/registrations", """{"dataProvided":{"entities":[{"idPattern":".*"}]},"provider":{"http":{"url":"http://cp:5678"},"supportedForwardingMode":"update"}}""", "acme", "/floor1")).Response.StatusCode.ShouldBe(HttpStatusCode.Created);
            var (deleted, _) = await client.SendAsync(HttpMethod.Post, "/v2/registrations", """{"dataProvided":{"entities":[{"id":"x"}]},"provider":{"http":{"url":"http://cp:9"}}}""", "acme", "/floor1");
            (await client.SendAsync(HttpMethod.Delete, deleted.Headers.Location!.ToString(), null, "acme", "/floor1")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            before = (await client.SendAsync(HttpMethod.Get, "/v2/registrations", null, "acme", "/floor1")).Body;
        }

        await using (var broker = await StartAsync("registrations"))
        {
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            var (_, after) = await client.SendAsync(HttpMethod.Get, "/v2/registrations", null, "acme", "/floor1");
            after!.AsArray().Count.ShouldBe(2);
            JsonNode.DeepEquals(before, after).ShouldBeTrue(after.ToJsonString());
            after[0]!["id"]!.GetValue<string>().ShouldBe(first);
            (await client.SendAsync(HttpMethod.Get, "/v2/registrations/" + first, null, "acme", "/other")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task StartAsync_unreachable_postgres_throws_clear_error()
    {
        var options = new BrokerOptions { Port = 0, Store = BrokerStoreKind.Postgres, PostgresConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2" };

        var error = await Should.ThrowAsync<InvalidOperationException>(() => ContextBroker.StartAsync(options));

        error.Message.ShouldContain("PostgreSQL is unreachable");
    }
}
