using System.Collections.Concurrent;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.Connector.Tests;

/// <summary>
/// The MQTT notification source against a real mosquitto: managed subscriptions notified over MQTT by the embedded
/// broker in every attrsFormat, mqttCustom, bad payloads acknowledged and dropped, PUBACK only after the target owns the
/// events, the persistent session across a restart of the receiver and of the MQTT broker.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class MqttReceiverTests(MosquittoFixture mosquitto)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    private MqttReceiverOptions Options(Uri? broker = null) => new()
    {
        BrokerUrl = broker ?? mosquitto.Uri,
        ClientId = "test-" + _id,
        TopicPrefix = "nf-" + _id,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    public static TheoryData<NotificationFormat> V2Formats() =>
        [NotificationFormat.V2Normalized, NotificationFormat.V2KeyValues, NotificationFormat.V2Values, NotificationFormat.V2SimplifiedNormalized, NotificationFormat.V2SimplifiedKeyValues];

    [Theory]
    [MemberData(nameof(V2Formats))]
    public async Task Managed_mqtt_subscription_delivers_every_attrsFormat_to_the_job(NotificationFormat format)
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        var seen = new ConcurrentQueue<NgsiEvent>();
        await using var connector = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0 }, Mqtt = Options() });
        var tenant = new FiwareContext("plant", "/line1", null);
        var orion = connector.AddBroker(BrokerConnection.V2(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = tenant }));
        var job = new StreamJob("rooms");
        connector.Subscribe(job, orion, new SubscriptionRequest
        {
            Entities = [EntityFilter.OfType("Room")],
            Attributes = ["temperature", "name"],
            Format = format,
            Transport = NotificationTransport.Mqtt,
        }).ForEachAsync((e, _) =>
        {
            seen.Enqueue(e);
            return default;
        });
        await connector.StartAsync(CancellationToken.None);

        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = tenant });
        var managed = connector.Subscriptions.ShouldHaveSingleItem();
        var onBroker = await admin.GetSubscriptionAsync(managed.Id!);
        onBroker.Notification!.Mqtt.ShouldNotBeNull();
        onBroker.Notification.Mqtt.Topic.ShouldBe($"nf-{_id}/rooms/main");
        onBroker.Notification.Mqtt.Qos.ShouldBe(1);
        onBroker.Notification.Http.ShouldBeNull();

        await admin.CreateEntityAsync(new NgsiV2Entity("r1", "Room", new NgsiV2AttributeCollection([new NgsiV2Attribute("temperature", NgsiValue.FromNumber(21.5), "Number"), new NgsiV2Attribute("name", NgsiValue.FromString("hall"), "Text")])));
        await admin.UpdateAttributesAsync("r1", [new NgsiV2Attribute("temperature", NgsiValue.FromNumber(22.5), "Number")], "Room");

        await Eventually.TrueAsync(() => seen.Count >= 2, "two events");
        var events = seen.ToArray();
        events.Select(e => e.Entity.GetNumber("temperature")).ShouldBe([21.5, 22.5]);
        events.ShouldAllBe(e => e.Format == format);

        // MQTT carries no Fiware headers: the events get the subscription's tenant and service path.
        events.ShouldAllBe(e => e.Fiware.Tenant == "plant" && e.Fiware.ServicePath == "/line1");
        if (format is not (NotificationFormat.V2Values))
        {
            events.ShouldAllBe(e => e.EntityId == "r1");
        }

        connector.MqttReceiver.Routes["rooms"].GetStatistics().Accepted.ShouldBe(2);
        connector.MqttReceiver.GetStatistics().RejectedTotal.ShouldBe(0);
        (await admin.GetSubscriptionAsync(managed.Id!)).Notification!.TimesSent.ShouldBe(2);
        await connector.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task MqttCustom_json_entity_published_by_the_broker_is_parsed_into_an_event()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        var target = new RecordingTarget();
        await using var receiver = new NgsiMqttReceiver(Options());
        var route = receiver.AddJob("custom", target);
        await receiver.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        var url = mosquitto.Uri.AbsoluteUri.TrimEnd('/');
        var subscription = """{"subject":{"entities":[{"idPattern":".*","type":"Room"}]},"notification":{"mqttCustom":{"url":"URL","topic":"TOPIC","qos":1,"json":{"id":"${id}","type":"${type}","temperature":"${temperature}"}}}}"""
            .Replace("URL", url, StringComparison.Ordinal).Replace("TOPIC", route.Topic, StringComparison.Ordinal);
        using var content = new StringContent(subscription, System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync("v2/subscriptions", content)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Created);

        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress });
        await admin.CreateEntityAsync(new NgsiV2Entity("r7", "Room", new NgsiV2AttributeCollection([new NgsiV2Attribute("temperature", NgsiValue.FromNumber(19), "Number")])));

        await target.WaitForAsync(1);
        var e = target.Events.ShouldHaveSingleItem();
        e.EntityId.ShouldBe("r7");
        e.Entity.GetNumber("temperature").ShouldBe(19);
    }

    [Fact]
    public async Task Bad_payloads_are_counted_acknowledged_and_dropped_and_the_receiver_goes_on()
    {
        var target = new RecordingTarget();
        var options = Options();
        await using (var receiver = new NgsiMqttReceiver(options))
        {
            var route = receiver.AddJob("rooms", target);
            await receiver.StartAsync(CancellationToken.None);
            await using var publisher = await MqttPublisher.ConnectAsync(mosquitto.Uri);
            await publisher.PublishAsync(route.Topic, "not json");
            await publisher.PublishAsync(route.Topic, """{"subscriptionId":"s1","data":12}""");
            await publisher.PublishAsync(route.Topic, """{"id":"r1","type":"Room",}""");
            await publisher.PublishAsync(options.TopicPrefix + "/nobody", """{"id":"r1","type":"Room"}""");
            await publisher.PublishAsync(route.Topic, """{"subscriptionId":"s1","data":[{"id":"r1","type":"Room","t":{"type":"Number","value":1}}]}""");

            await target.WaitForAsync(1);
            await Eventually.TrueAsync(() => receiver.GetStatistics().Received == 5, "five messages");
            var stats = receiver.GetStatistics();
            stats.Count(RejectReason.BadRequest).ShouldBe(3);
            stats.Count(RejectReason.NotFound).ShouldBe(1);
            stats.Accepted.ShouldBe(1);
            route.GetStatistics().Count(RejectReason.BadRequest).ShouldBe(3);
            target.Events.ShouldHaveSingleItem().Entity.GetNumber("t").ShouldBe(1);
        }

        // Everything was acknowledged: the session keeps nothing to deliver again.
        var again = new RecordingTarget();
        await using var second = new NgsiMqttReceiver(options);
        var secondRoute = second.AddJob("rooms", again);
        await second.StartAsync(CancellationToken.None);
        await using (var publisher = await MqttPublisher.ConnectAsync(mosquitto.Uri))
        {
            await publisher.PublishAsync(secondRoute.Topic, """{"id":"r2","type":"Room"}""");
        }

        await again.WaitForAsync(1);
        again.Events.ShouldHaveSingleItem().EntityId.ShouldBe("r2");
        second.Redelivered.ShouldBe(0);
    }

    [Fact]
    public async Task Message_is_acknowledged_only_after_the_target_owns_it_so_a_receiver_gone_before_gets_it_again()
    {
        var options = Options();
        var held = new RecordingTarget { Gate = new TaskCompletionSource() };
        await using (var receiver = new NgsiMqttReceiver(options))
        {
            var route = receiver.AddJob("rooms", held);
            await receiver.StartAsync(CancellationToken.None);
            await using var publisher = await MqttPublisher.ConnectAsync(mosquitto.Uri);
            await publisher.PublishAsync(route.Topic, """{"id":"r1","type":"Room"}""");
            await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

            // The job never took it: stopping now leaves it unacknowledged in the session.
        }

        held.Batches.ShouldBeEmpty();
        var target = new RecordingTarget();
        await using var next = new NgsiMqttReceiver(options);
        next.AddJob("rooms", target);
        await next.StartAsync(CancellationToken.None);

        await target.WaitForAsync(1);
        target.Events.ShouldHaveSingleItem().EntityId.ShouldBe("r1");
        next.Redelivered.ShouldBe(1);
    }

    [Fact]
    public async Task Messages_published_while_the_receiver_is_down_arrive_when_it_is_back()
    {
        var options = Options();
        string topic;
        await using (var first = new NgsiMqttReceiver(options))
        {
            topic = first.AddJob("rooms", new RecordingTarget()).Topic;
            await first.StartAsync(CancellationToken.None);
        }

        await using (var publisher = await MqttPublisher.ConnectAsync(mosquitto.Uri))
        {
            for (var i = 0; i < 20; i++)
            {
                await publisher.PublishAsync(topic, $$"""{"id":"r{{i}}","type":"Room"}""");
            }
        }

        var target = new RecordingTarget();
        await using var back = new NgsiMqttReceiver(options);
        back.AddJob("rooms", target);
        await back.StartAsync(CancellationToken.None);

        await target.WaitForAsync(20);
        target.Events.Select(e => e.EntityId).ShouldBe(Enumerable.Range(0, 20).Select(i => "r" + i));
    }

    [Fact]
    public async Task Receiver_reconnects_with_backoff_when_the_mqtt_broker_restarts_and_keeps_its_session()
    {
        await using var own = await MosquittoServer.StartAsync();
        var target = new RecordingTarget();
        await using var receiver = new NgsiMqttReceiver(Options(own.Uri));
        var route = receiver.AddJob("rooms", target);
        await receiver.StartAsync(CancellationToken.None);

        await own.StopAsync();
        await Eventually.TrueAsync(() => !receiver.IsConnected, "the receiver to notice");
        await own.StartAgainAsync();
        await Eventually.TrueAsync(() => receiver.IsConnected && receiver.Connections == 2, "the reconnection");
        await using (var publisher = await MqttPublisher.ConnectAsync(own.Uri))
        {
            await publisher.PublishAsync(route.Topic, """{"id":"r1","type":"Room"}""");
        }

        await target.WaitForAsync(1);
        target.Events.ShouldHaveSingleItem().EntityId.ShouldBe("r1");
    }

    [Fact]
    public void Options_bad_values_are_listed_in_one_error()
    {
        var options = new MqttReceiverOptions { BrokerUrl = new Uri("http://localhost:1883/x"), ClientId = "", TopicPrefix = "a/#", ReceiveMaximum = 0, User = "u" };

        var error = Should.Throw<ArgumentException>(options.Validate);

        error.Message.ShouldContain("BrokerUrl must be mqtt://host[:port]");
        error.Message.ShouldContain("ClientId");
        error.Message.ShouldContain("TopicPrefix");
        error.Message.ShouldContain("ReceiveMaximum");
        error.Message.ShouldContain("User and MqttReceiverOptions.Password");
    }

    [Fact]
    public void Mqtt_subscription_without_mqtt_options_or_on_ngsi_ld_is_refused()
    {
        using var connector = new DisposableConnector(new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0 } }));
        var v2 = connector.Value.AddBroker(BrokerConnection.V2(new Uri("http://127.0.0.1:1026")));
        var ld = connector.Value.AddBroker(BrokerConnection.Ld(new NgsiClientOptions { BaseAddress = new Uri("http://127.0.0.1:1027") }));
        var request = new SubscriptionRequest { Entities = [EntityFilter.OfType("Room")], Transport = NotificationTransport.Mqtt };

        Should.Throw<ArgumentException>(() => connector.Value.Subscribe(new StreamJob("a"), v2, request)).Message.ShouldContain("ConnectorOptions.Mqtt");
        Should.Throw<ArgumentException>(() => request.Validate(NgsiApi.Ld)).Message.ShouldContain("NGSI-v2 brokers only");
    }

    private sealed class DisposableConnector(NgsiConnector value) : IDisposable
    {
        public NgsiConnector Value { get; } = value;

        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
