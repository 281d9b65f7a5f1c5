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
    public async Task Oneshot_that_notified_and_subscription_disabled_by_failures_are_stored_inactive_at_once_and_stay_so_after_restart()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        int deadPort;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var connectionString = await postgres.DatabaseAsync("subscription_state");
        string oneshot;
        string failing;
        await using (var broker = await StartAsync("subscription_state"))
        {
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            (await client.SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E1","type":"T","a":{"value":1}}""", "acme")).Response.StatusCode.ShouldBe(HttpStatusCode.Created);
            oneshot = await SubscribeAsync(client, $$$"""{"subject":{"entities":[{"id":"E1","type":"T"}]},"notification":{"http":{"url":"{{{receiver.Url}}}"}},"status":"oneshot"}""");
            failing = await SubscribeAsync(client, $$$"""{"subject":{"entities":[{"id":"E1","type":"T"}]},"notification":{"http":{"url":"http://127.0.0.1:{{{deadPort}}}/notify"},"maxFailsLimit":1}}""");
            for (var value = 2; value <= 3; value++)
            {
                (await client.SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":V}}""".Replace("V", value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), "acme")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
                (await broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
            }

            // Written when the state changed, not only when the broker shuts down: a broker killed now keeps it.
            await WaitForStoredAsync(connectionString, oneshot, "\"oneshotFired\":true");
            await WaitForStoredAsync(connectionString, failing, "\"disabledByFailures\":true");
        }

        await using (var broker = await StartAsync("subscription_state"))
        {
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            (await client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + oneshot, null, "acme")).Body!["status"]!.GetValue<string>().ShouldBe("inactive");
            var disabled = (await client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + failing, null, "acme")).Body!;
            disabled["status"]!.GetValue<string>().ShouldBe("inactive");
            disabled["notification"]!["failsCounter"]!.GetValue<long>().ShouldBe(2);

            (await client.SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":4}}""", "acme")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            (await broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
            receiver.Received.Count.ShouldBe(1);
            broker.NotificationsFailed.ShouldBe(0);

            // A PATCH that arms the oneshot again is kept, and a late state write of the old revision cannot undo it.
            (await client.SendAsync(HttpMethod.Patch, "/v2/subscriptions/" + oneshot, """{"status":"oneshot"}""", "acme")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            await WaitForStoredAsync(connectionString, oneshot, "\"oneshotFired\":false");
        }
    }

    private static async Task<string> SubscribeAsync(HttpClient client, string json)
    {
        var (response, body) = await client.SendAsync(HttpMethod.Post, "/v2/subscriptions", json, "acme");
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        return response.Headers.Location!.ToString().Split('/').Last();
    }

    private static async Task WaitForStoredAsync(string connectionString, string subscriptionId, string fragment)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string? doc = null;
        while (DateTime.UtcNow < deadline)
        {
            await using var select = new Npgsql.NpgsqlCommand("SELECT doc FROM ngsiflow_subscriptions WHERE tenant = 'acme' AND id = $1", connection);
            select.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = subscriptionId });
            doc = (string?)await select.ExecuteScalarAsync();
            if (doc is not null && doc.Contains(fragment, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(20);
        }

        doc.ShouldNotBeNull();
        doc.ShouldContain(fragment);
    }

    [Fact]
    public async Task StartAsync_unreachable_postgres_throws_clear_error()
    {
        var options = new BrokerOptions { Port = 0, Store = BrokerStoreKind.Postgres, PostgresConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2" };

        var error = await Should.ThrowAsync<InvalidOperationException>(() => ContextBroker.StartAsync(options));

        error.Message.ShouldContain("PostgreSQL is unreachable");
    }
}
