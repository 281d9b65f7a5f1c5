using System.Collections.Concurrent;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

public sealed class ManyJobsTests
{
    [Fact]
    public async Task Two_jobs_on_two_brokers_in_one_process_each_receive_their_own_entities()
    {
        await using var north = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        await using var south = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        var rooms = new ConcurrentBag<string>();
        var pumps = new ConcurrentBag<string>();
        await using var connector = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0 } });
        var a = connector.AddBroker(BrokerConnection.V2(north.BaseAddress));
        var b = connector.AddBroker(BrokerConnection.V2(south.BaseAddress));
        var roomsJob = new StreamJob("rooms");
        connector.Subscribe(roomsJob, a, new SubscriptionRequest { Name = "north", Entities = [EntityFilter.OfType("Room")] });
        connector.Subscribe(roomsJob, b, new SubscriptionRequest { Name = "south", Entities = [EntityFilter.OfType("Room")] })
            .ForEachAsync((e, _) =>
            {
                rooms.Add(e.EntityId);
                return default;
            });
        connector.Subscribe(new StreamJob("pumps"), b, new SubscriptionRequest { Entities = [EntityFilter.OfType("Pump")], Format = NotificationFormat.V2KeyValues })
            .ForEachAsync((e, _) =>
            {
                pumps.Add($"{e.EntityId}:{e.Format}");
                return default;
            });
        await connector.StartAsync(CancellationToken.None);
        connector.Subscriptions.Count.ShouldBe(3);

        using var northClient = new NgsiV2Client(new NgsiClientOptions { BaseAddress = north.BaseAddress });
        using var southClient = new NgsiV2Client(new NgsiClientOptions { BaseAddress = south.BaseAddress });
        await northClient.CreateEntityAsync(new NgsiV2Entity("room-n", "Room", new NgsiV2AttributeCollection([new NgsiV2Attribute("t", NgsiValue.FromNumber(1), "Number")])));
        await southClient.CreateEntityAsync(new NgsiV2Entity("room-s", "Room", new NgsiV2AttributeCollection([new NgsiV2Attribute("t", NgsiValue.FromNumber(2), "Number")])));
        await southClient.CreateEntityAsync(new NgsiV2Entity("pump-1", "Pump", new NgsiV2AttributeCollection([new NgsiV2Attribute("on", NgsiValue.True, "Boolean")])));
        await north.WaitForNotificationsAsync(TimeSpan.FromSeconds(10));
        await south.WaitForNotificationsAsync(TimeSpan.FromSeconds(10));
        await connector.StopAsync(CancellationToken.None);

        rooms.Order(StringComparer.Ordinal).ShouldBe(["room-n", "room-s"]);
        pumps.ShouldBe(["pump-1:V2KeyValues"]);
        connector.Receiver.Routes["rooms"].GetStatistics().Events.ShouldBe(2);
    }

    [Fact]
    public async Task Custom_payload_shaped_as_an_entity_is_accepted_and_other_custom_text_is_400()
    {
        await using var h = await ReceiverHarness.StartAsync();
        var custom = NotificationHeaders.From(("Ngsiv2-AttrsFormat", "custom"));

        using var entity = await h.PostAsync("/notify/job1", System.Text.Encoding.UTF8.GetBytes("""{"id":"Room1","type":"Room","temperature":23.5}"""), custom);
        using var text = await h.PostAsync("/notify/job1", System.Text.Encoding.UTF8.GetBytes("temperature is 23.5"), custom, "text/plain");
        await h.StopAsync();

        entity.StatusCode.ShouldBe(System.Net.HttpStatusCode.NoContent);
        text.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        var e = h.Events.ShouldHaveSingleItem();
        e.EntityId.ShouldBe("Room1");
        e.Format.ShouldBe(NotificationFormat.V2Custom);
        e.Entity.GetNumber("temperature").ShouldBe(23.5);
    }
}
