using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.Connector.Tests;

/// <summary>A job subscribes itself on the embedded NGSI-v2 broker, receives updates and writes results back.</summary>
public sealed class EndToEndV2Tests
{
    private static readonly FiwareContext Tenant = new("plant", "/line1", null);

    [Fact]
    public async Task Job_subscribes_receives_updates_writes_back_and_unsubscribes_at_stop()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = Tenant });
        await admin.CreateEntityAsync(Mix("mix1", 300, 0), fiware: Tenant);
        await admin.CreateEntityAsync(Mix("mix2", 500, 100), fiware: Tenant);

        var connector = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0, BearerToken = "inbound-secret" } });
        await using (connector)
        {
            var orion = connector.AddBroker(BrokerConnection.V2(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = Tenant }));
            var replier = connector.Replier(orion);
            var job = new StreamJob("strength");
            connector.Subscribe(job, orion, new SubscriptionRequest
            {
                Entities = [EntityFilter.OfType("ConcreteMix")],
                ConditionAttributes = ["cement", "slag"],
                Attributes = ["cement", "slag"],
                Fiware = Tenant,
            })
            .Select(e => (Event: e, Strength: (e.Entity.GetNumber("cement") * 0.1) + (e.Entity.GetNumber("slag") * 0.05)))
            .ForEachAsync((r, ct) => new ValueTask(replier.AppendAttributesAsync(r.Event, [new NgsiV2Attribute("strength", NgsiValue.FromNumber(r.Strength), "Number")], ct)));

            await connector.StartAsync(CancellationToken.None);
            var subscription = connector.Subscriptions.ShouldHaveSingleItem();
            (await admin.GetSubscriptionAsync(subscription.Id!, Tenant)).Description.ShouldBe(subscription.Description);

            await admin.UpdateAttributesAsync("mix1", [new NgsiV2Attribute("cement", NgsiValue.FromNumber(400), "Number")], "ConcreteMix", fiware: Tenant);
            await admin.UpdateAttributesAsync("mix2", [new NgsiV2Attribute("slag", NgsiValue.FromNumber(200), "Number")], "ConcreteMix", fiware: Tenant);

            (await WaitForAsync(admin, "mix1", 40)).ShouldBe(40);
            (await WaitForAsync(admin, "mix2", 60)).ShouldBe(60);
            replier.GetStatistics().DeadLettered.ShouldBe(0);
            connector.Receiver.GetStatistics().Count(RejectReason.Unauthorized).ShouldBe(0);
            await connector.StopAsync(CancellationToken.None);
        }

        var left = new List<NgsiV2Subscription>();
        await foreach (var s in admin.ListSubscriptionsAsync(Tenant))
        {
            left.Add(s);
        }

        left.ShouldBeEmpty();
    }

    [Fact]
    public async Task Identical_subscription_left_on_the_broker_is_reused()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        var port = FreePort.Next();
        var request = new SubscriptionRequest { Entities = [EntityFilter.OfType("Room")], ConditionAttributes = ["temperature"] };
        string firstId;
        await using (var first = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = port }, DeleteSubscriptionsOnStop = false }))
        {
            var b = first.AddBroker(BrokerConnection.V2(broker.BaseAddress));
            first.Events(new StreamJob("rooms")).ForEachAsync((_, _) => default);
            first.Subscribe(new StreamJob("other"), b, request).ForEachAsync((_, _) => default);
            await first.StartAsync(CancellationToken.None);
            firstId = first.Subscriptions.ShouldHaveSingleItem().Id!;
            first.Subscriptions[0].Reused.ShouldBeFalse();
            await first.StopAsync(CancellationToken.None);
        }

        await using var second = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = port } });
        var orion = second.AddBroker(BrokerConnection.V2(broker.BaseAddress));
        second.Subscribe(new StreamJob("other"), orion, request).ForEachAsync((_, _) => default);
        await second.StartAsync(CancellationToken.None);

        var reused = second.Subscriptions.ShouldHaveSingleItem();
        reused.Reused.ShouldBeTrue();
        reused.Id.ShouldBe(firstId);
        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress });
        var all = new List<NgsiV2Subscription>();
        await foreach (var s in admin.ListSubscriptionsAsync())
        {
            all.Add(s);
        }

        all.ShouldHaveSingleItem().Id.ShouldBe(firstId);
        await second.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Subscription_with_lifetime_is_renewed_before_it_expires()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var connector = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0 }, TimeProvider = clock, RenewBefore = TimeSpan.FromMinutes(5) });
        var orion = connector.AddBroker(BrokerConnection.V2(broker.BaseAddress));
        connector.Subscribe(new StreamJob("short"), orion, new SubscriptionRequest { Entities = [EntityFilter.OfType("Room")], Lifetime = TimeSpan.FromHours(1) })
            .ForEachAsync((_, _) => default);
        await connector.StartAsync(CancellationToken.None);
        var managed = connector.Subscriptions.ShouldHaveSingleItem();
        var firstExpiry = managed.ExpiresAt!.Value;
        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress });

        clock.Advance(TimeSpan.FromMinutes(54));
        managed.Renewals.ShouldBe(0);
        clock.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 500 && managed.Renewals == 0; i++)
        {
            await Task.Delay(10);
        }

        managed.Renewals.ShouldBe(1);
        var onBroker = (await admin.GetSubscriptionAsync(managed.Id!)).Expires!.Value;
        // Renewed when 5 minutes were left (at +55 min), for another hour.
        Math.Abs((onBroker - firstExpiry.AddMinutes(55)).TotalSeconds).ShouldBeLessThan(1.5);
        managed.ExpiresAt.ShouldBe(firstExpiry.AddMinutes(55));
        await connector.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Replier_with_batch_window_coalesces_updates_into_batch_requests()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var orion = BrokerConnection.V2(broker.BaseAddress);
        await using var replier = new NgsiReplier(orion, new ReplierOptions { BatchWindow = TimeSpan.FromMilliseconds(100), MaxBatchSize = 50 });

        var writes = Enumerable.Range(0, 40).Select(i => replier.UpsertEntityAsync(
            new NgsiV2Entity($"room{i}", "Room", new NgsiV2AttributeCollection([new NgsiV2Attribute("temperature", NgsiValue.FromNumber(i), "Number")])),
            null,
            CancellationToken.None)).ToArray();
        await Task.WhenAll(writes);

        var stats = replier.GetStatistics();
        stats.Confirmed.ShouldBe(40);
        stats.Batches.ShouldBeGreaterThan(0);
        stats.Requests.ShouldBeLessThan(40);
        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress });
        (await admin.CountEntitiesAsync(new NgsiV2EntityQuery { Types = ["Room"] })).ShouldBe(40);
        (await admin.GetEntityAsync("room39")).Attributes["temperature"].Value.GetNumber().ShouldBe(39);
    }

    [Fact]
    public async Task Replier_sink_writes_a_stream_back_and_completes_after_the_broker_confirmed()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var orion = BrokerConnection.V2(broker.BaseAddress);
        await using var replier = new NgsiReplier(orion, new ReplierOptions { BatchWindow = TimeSpan.FromMilliseconds(5) });
        await using var job = new StreamJob("sink");
        var input = job.Input<int>();
        input.To(new ReplierSink<int>((i, ct) => replier.UpsertEntityAsync(
            new NgsiV2Entity($"s{i}", "Sample", new NgsiV2AttributeCollection([new NgsiV2Attribute("n", NgsiValue.FromNumber(i), "Number")])), null, ct)));
        job.Start();
        for (var i = 0; i < 100; i++)
        {
            await input.WriteAsync(i, CancellationToken.None);
        }

        await job.StopAsync(CancellationToken.None);

        replier.GetStatistics().Confirmed.ShouldBe(100);
        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress });
        (await admin.CountEntitiesAsync(new NgsiV2EntityQuery { Types = ["Sample"] })).ShouldBe(100);
    }

    private static NgsiV2Entity Mix(string id, double cement, double slag) => new(id, "ConcreteMix", new NgsiV2AttributeCollection(
    [
        new NgsiV2Attribute("cement", NgsiValue.FromNumber(cement), "Number"),
        new NgsiV2Attribute("slag", NgsiValue.FromNumber(slag), "Number"),
    ]));

    private static async Task<double?> WaitForAsync(NgsiV2Client admin, string id, double expected)
    {
        double? last = null;
        for (var i = 0; i < 500; i++)
        {
            var entity = await admin.GetEntityAsync(id, fiware: Tenant);
            if (entity.Attributes.TryGet("strength", out var a))
            {
                last = a.Value.GetNumber();
                if (Math.Abs(last.Value - expected) < 1e-9)
                {
                    return last;
                }
            }

            await Task.Delay(10);
        }

        return last;
    }
}
