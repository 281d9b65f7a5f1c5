using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests;

/// <summary>Subscription lifecycle and delivery behaviour.</summary>
public abstract partial class BrokerComplianceTests
{
    [Fact]
    public async Task Notification_to_dead_receiver_counts_the_failure_then_recovers()
    {
        int deadPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");
        var id = await SubscribeAsync("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"http://127.0.0.1:PORT/notify"}}}""".Replace("PORT", deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":2}}""");
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();

        var (_, failed) = await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
        failed!["status"]!.GetValue<string>().ShouldBe("active", "Orion 3.4 dropped the failed status: the counters show the failure");
        failed["notification"]!["failsCounter"]!.GetValue<long>().ShouldBe(1);
        failed["notification"]!["timesSent"]!.GetValue<long>().ShouldBe(1);
        failed["notification"]!["lastFailureReason"]!.GetValue<string>().ShouldBe("Could not connect to server");
        failed["notification"]!["lastFailure"].ShouldNotBeNull();
        Broker.NotificationsFailed.ShouldBeGreaterThanOrEqualTo(1);

        (await SendAsync(HttpMethod.Patch, "/v2/subscriptions/" + id, T("""{"notification":{"http":{"url":"@URL@"}}}"""))).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":3}}""");
        await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();

        var (_, recovered) = await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
        recovered!["status"]!.GetValue<string>().ShouldBe("active");
        recovered["notification"]!["timesSent"]!.GetValue<long>().ShouldBe(2);
        recovered["notification"]!["lastSuccessCode"]!.GetValue<int>().ShouldBe(200);
        recovered["notification"]!["failsCounter"].ShouldBeNull();
        recovered["notification"]!["lastFailure"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Notification_receiver_answering_500_counts_as_delivered_with_its_code()
    {
        Receiver.StatusCode = 500;
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"}}}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":2}}""");
        await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        var (_, subscription) = await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);

        subscription!["notification"]!["lastSuccessCode"]!.GetValue<int>().ShouldBe(500);
    }

    [Fact]
    public async Task Notification_hanging_receiver_does_not_hold_updates_and_full_queue_drops_are_counted()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationQueueCapacity = 5, NotificationSendersPerSubscription = 1, NotificationTimeout = TimeSpan.FromSeconds(30) });
        using var client = new HttpClient { BaseAddress = broker.BaseAddress };
        using var hanging = new TcpListener(IPAddress.Loopback, 0);
        hanging.Start(100);
        var port = ((IPEndPoint)hanging.LocalEndpoint).Port;
        (await client.SendAsync(Infrastructure.NgsiHttp.Request(HttpMethod.Post, "/v2/entities", """{"id":"E1","type":"T","a":{"value":0}}""", Tenant))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await client.SendAsync(Infrastructure.NgsiHttp.Request(HttpMethod.Post, "/v2/subscriptions", """{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"http://127.0.0.1:PORT/"}}}""".Replace("PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), Tenant))).StatusCode.ShouldBe(HttpStatusCode.Created);

        for (var i = 1; i <= 50; i++)
        {
            var response = await client.SendAsync(Infrastructure.NgsiHttp.Request(HttpMethod.Patch, "/v2/entities/E1/attrs", "{\"a\":{\"value\":" + i + "}}", Tenant));
            response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var (_, value) = await Infrastructure.NgsiHttp.SendAsync(client, HttpMethod.Get, "/v2/entities/E1/attrs/a/value", null, Tenant);
        value!.GetValue<double>().ShouldBe(50);
        broker.NotificationsSent.ShouldBe(0);
        // One notification hangs in flight, five wait in the queue, the rest are dropped and counted.
        (broker.NotificationsDropped + broker.NotificationsPending).ShouldBe(50);
        broker.NotificationsDropped.ShouldBeGreaterThanOrEqualTo(44);
    }

    [Fact]
    public async Task Notification_throttling_suppresses_notifications_inside_the_period()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");
        await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"}},"throttling":3600}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":2}}""");
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":3}}""");
        await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Notification_inactive_or_expired_subscriptions_stay_silent_until_reactivated()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");
        var inactive = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"}},"status":"inactive"}"""));
        var expired = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"}},"expires":"2020-01-01T00:00:00Z"}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":2}}""");
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();
        Receiver.Received.Count.ShouldBe(0);
        (await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + expired)).Body!["status"]!.GetValue<string>().ShouldBe("expired");

        (await SendAsync(HttpMethod.Patch, "/v2/subscriptions/" + inactive, """{"status":"active"}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":3}}""");
        var received = await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(1);
        JsonNode.Parse(received[0].Body)!["subscriptionId"]!.GetValue<string>().ShouldBe(inactive);
    }

    [Fact]
    public async Task Notification_deleted_subscription_stops_notifying()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"}}}"""));

        (await SendAsync(HttpMethod.Delete, "/v2/subscriptions/" + id)).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":2}}""");
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Notification_alterationTypes_entityDelete_notifies_deletion()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");
        await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}],"condition":{"alterationTypes":["entityDelete"]}},"notification":{"http":{"url":"@URL@"},"attrsFormat":"keyValues","metadata":["actionType"]}}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":2}}""");
        await SendAsync(HttpMethod.Delete, "/v2/entities/E1");
        var received = await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(1);
        JsonNode.Parse(received[0].Body)!["data"]![0]!["a"]!.GetValue<double>().ShouldBe(2);
    }

    [Fact]
    public async Task Notification_mq_expression_filters_on_metadata()
    {
        await CreateAsync("""{"id":"E1","type":"T","t":{"value":1,"metadata":{"accuracy":{"value":0.5}}}}""");
        await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}],"condition":{"expression":{"mq":"t.accuracy<0.9"}}},"notification":{"http":{"url":"@URL@"},"attrsFormat":"keyValues"}}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"t":{"value":2,"metadata":{"accuracy":{"value":0.95}}}}""");
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"t":{"value":3,"metadata":{"accuracy":{"value":0.1}}}}""");
        var received = await Receiver.WaitForAsync(1);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(1);
        JsonNode.Parse(received[0].Body)!["data"]![0]!["t"]!.GetValue<double>().ShouldBe(3);
    }

    [Fact]
    public async Task Concurrent_patches_on_one_entity_are_all_applied_and_notified()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":0},"b":{"value":0}}""");
        await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"},"attrsFormat":"keyValues"}}"""));

        var tasks = Enumerable.Range(1, 100).Select(i => SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", i % 2 == 0 ? "{\"a\":{\"value\":" + i + "}}" : "{\"b\":{\"value\":" + i + "}}"));
        var responses = await Task.WhenAll(tasks);
        await Receiver.WaitForAsync(100);
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();

        responses.ShouldAllBe(r => r.Response.StatusCode == HttpStatusCode.NoContent);
        Receiver.Received.Count.ShouldBe(100);
        var values = Receiver.Received.Select(r => JsonNode.Parse(r.Body)!["data"]![0]!).ToList();
        values.Select(v => v["a"]!.GetValue<double>()).Max().ShouldBe(100);
        values.Select(v => v["b"]!.GetValue<double>()).Max().ShouldBe(99);
    }
}
