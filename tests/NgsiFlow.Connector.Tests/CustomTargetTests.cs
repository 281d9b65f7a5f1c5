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

    [Fact]
    public async Task Target_that_fails_gets_500_counted_and_rejections_are_reported_as_metrics()
    {
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Reason)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ConnectorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            string? job = null;
            foreach (var tag in tags)
            {
                reason = tag.Key == "reason" ? tag.Value as string : reason;
                job = tag.Key == "job" ? tag.Value as string : job;
            }

            if (job == "broken")
            {
                measurements.Enqueue((instrument.Name, value, reason));
            }
        });
        listener.Start();
        await using var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 0 }, CancellationToken.None);
        var route = receiver.AddJob("broken", new FailingTarget());
        using var http = new HttpClient { BaseAddress = receiver.BaseAddress };
        using var body = new StringContent("""{"subscriptionId":"s","data":[{"id":"E1","type":"T"}]}""", System.Text.Encoding.UTF8, "application/json");
        using var bad = new StringContent("{", System.Text.Encoding.UTF8, "application/json");

        using var failed = await http.PostAsync("/notify/broken", body);
        using var malformed = await http.PostAsync("/notify/broken", bad);

        failed.StatusCode.ShouldBe(System.Net.HttpStatusCode.InternalServerError);
        malformed.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        route.GetStatistics().Count(RejectReason.TargetFailed).ShouldBe(1);
        measurements.Where(m => m.Instrument == ConnectorMetrics.NotificationsRejected).Select(m => m.Reason).Order(StringComparer.Ordinal).ShouldBe(["bad_request", "target_failed"]);
        measurements.Count(m => m.Instrument == ConnectorMetrics.NotificationsReceived).ShouldBe(2);
        measurements.ShouldNotContain(m => m.Instrument == ConnectorMetrics.NotificationsAccepted);
    }

    private sealed class FailingTarget : INotificationTarget
    {
        public ValueTask AcceptAsync(NotificationBatch batch, CancellationToken cancellationToken) => throw new InvalidOperationException("transport broken");
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
