using System.Collections.Concurrent;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

/// <summary>The receiver-only layout of distributed mode: a job routed to a custom target (as the RabbitMQ publisher will be).</summary>
public sealed class CustomTargetTests
{
    [Fact]
    public async Task Routed_job_with_custom_target_gets_its_subscription_and_events_and_2xx_waits_for_the_target()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        var target = new ConfirmingTarget();
        await using var connector = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0 } });
        var orion = connector.AddBroker(BrokerConnection.V2(broker.BaseAddress));
        connector.Route("remote", target);
        connector.Subscribe("remote", orion, new SubscriptionRequest { Entities = [EntityFilter.OfType("Room")] });
        await connector.StartAsync(CancellationToken.None);

        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress });
        await admin.CreateEntityAsync(new NgsiV2Entity("r1", "Room", new NgsiV2AttributeCollection([new NgsiV2Attribute("t", NgsiValue.FromNumber(20), "Number")])));
        (await broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        await connector.StopAsync(CancellationToken.None);

        var batch = target.Confirmed.ShouldHaveSingleItem();
        batch.Job.ShouldBe("remote");
        batch.Events.ShouldHaveSingleItem().EntityId.ShouldBe("r1");
        broker.NotificationsSent.ShouldBe(1);
        connector.Receiver.Routes["remote"].GetStatistics().Accepted.ShouldBe(1);
    }

    private sealed class ConfirmingTarget : INotificationTarget
    {
        public ConcurrentQueue<NotificationBatch> Confirmed { get; } = new();

        public async ValueTask AcceptAsync(NotificationBatch batch, CancellationToken cancellationToken)
        {
            // Stands for a publish that completes on the message broker's confirm.
            await Task.Delay(20, cancellationToken);
            Confirmed.Enqueue(batch);
        }
    }
}
