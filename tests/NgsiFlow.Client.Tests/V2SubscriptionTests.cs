using System.Collections.Concurrent;
using NgsiFlow.Client.Tests.Infrastructure;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Tests;

[Collection(BrokerCollection.Name)]
public sealed class V2SubscriptionTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Subscription_round_trip_keeps_every_field_and_shows_counters_after_a_notification()
    {
        var received = new ConcurrentQueue<string>();
        await using var receiver = await TestServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.Enqueue(context.Request.Headers["X-Secret"] + "|" + await reader.ReadToEndAsync());
            context.Response.StatusCode = 204;
        });
        using var client = new NgsiV2Client(fixture.Options("subs"));
        var expires = new DateTimeOffset(2040, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var definition = new NgsiV2Subscription
        {
            Description = "hot rooms",
            Subject = new NgsiV2SubscriptionSubject
            {
                Entities = [NgsiV2EntitySelector.ByPattern("^urn:S:", "Room")],
                Condition = new NgsiV2SubscriptionCondition { Attrs = ["temperature"], Q = "temperature>20" },
            },
            Notification = new NgsiV2SubscriptionNotification
            {
                HttpCustom = new NgsiV2HttpCustomNotification(new Uri(receiver.BaseAddress, "notify").AbsoluteUri)
                {
                    Headers = new Dictionary<string, string> { ["X-Secret"] = "s3cr3t" },
                    Qs = new Dictionary<string, string> { ["job"] = "j1" },
                    Method = "POST",
                },
                Attrs = ["temperature"],
                AttrsFormat = NgsiV2AttrsFormat.KeyValues,
                OnlyChangedAttrs = true,
            },
            Expires = expires,
            Throttling = 0.5,
        };

        var id = await client.CreateSubscriptionAsync(definition);
        await client.CreateEntityAsync(V2EntityTests.Room("urn:S:1", 25));
        (await fixture.Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        var read = await client.GetSubscriptionAsync(id);

        read.Id.ShouldBe(id);
        read.Description.ShouldBe("hot rooms");
        read.Subject!.Entities.ShouldHaveSingleItem().ShouldBe(NgsiV2EntitySelector.ByPattern("^urn:S:", "Room"));
        read.Subject.Condition!.Attrs.ShouldBe(["temperature"]);
        read.Subject.Condition.Q.ShouldBe("temperature>20");
        read.Notification!.HttpCustom!.Url.ShouldBe(definition.Notification.HttpCustom.Url);
        read.Notification.HttpCustom.Headers!["X-Secret"].ShouldBe("s3cr3t");
        read.Notification.HttpCustom.Qs!["job"].ShouldBe("j1");
        read.Notification.AttrsFormat.ShouldBe(NgsiV2AttrsFormat.KeyValues);
        read.Notification.Attrs.ShouldBe(["temperature"]);
        read.Notification.OnlyChangedAttrs.ShouldBe(true);
        read.Expires.ShouldBe(expires);
        read.Throttling.ShouldBe(0.5);
        read.Status.ShouldBe(NgsiV2SubscriptionStatus.Active);
        read.Notification.TimesSent.ShouldBe(1);
        read.Notification.LastNotification.ShouldNotBeNull();
        read.Notification.LastSuccess.ShouldNotBeNull();
        read.Notification.LastSuccessCode.ShouldBe(204);
        read.Notification.LastFailure.ShouldBeNull();
        received.ShouldHaveSingleItem().ShouldStartWith("s3cr3t|");
    }

    [Fact]
    public async Task Failed_notifications_show_in_lastFailure_and_failsCounter()
    {
        using var client = new NgsiV2Client(fixture.Options("subfail"));
        var id = await client.CreateSubscriptionAsync(new NgsiV2Subscription
        {
            Subject = new NgsiV2SubscriptionSubject { Entities = [NgsiV2EntitySelector.ById("urn:F:1", "Room")] },
            Notification = new NgsiV2SubscriptionNotification { Http = new NgsiV2HttpNotification("http://127.0.0.1:9/nobody-listens") },
        });

        await client.CreateEntityAsync(V2EntityTests.Room("urn:F:1", 1));
        await fixture.Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10));
        var read = await client.GetSubscriptionAsync(id);

        read.Notification!.FailsCounter.ShouldBe(1);
        read.Notification.LastFailure.ShouldNotBeNull();
        read.Notification.LastFailureReason.ShouldNotBeNullOrEmpty();
        read.Status.ShouldBe(NgsiV2SubscriptionStatus.Active, "since Orion 3.4 a failing subscription stays active; failsCounter tells");
    }

    [Fact]
    public async Task UpdateSubscriptionAsync_renews_and_pauses_then_Delete_removes()
    {
        using var client = new NgsiV2Client(fixture.Options("subupd"));
        var id = await client.CreateSubscriptionAsync(new NgsiV2Subscription
        {
            Subject = new NgsiV2SubscriptionSubject { Entities = [NgsiV2EntitySelector.ByPattern()] },
            Notification = new NgsiV2SubscriptionNotification { Http = new NgsiV2HttpNotification("http://127.0.0.1:9/n") },
            Expires = DateTimeOffset.UtcNow.AddMinutes(5),
        });
        var renewed = new DateTimeOffset(2041, 6, 1, 0, 0, 0, TimeSpan.Zero);

        await client.UpdateSubscriptionAsync(id, new NgsiV2Subscription { Expires = renewed, Status = NgsiV2SubscriptionStatus.Inactive });

        var read = await client.GetSubscriptionAsync(id);
        read.Expires.ShouldBe(renewed);
        read.Status.ShouldBe(NgsiV2SubscriptionStatus.Inactive);
        (await client.ListSubscriptionsAsync().ToListAsync()).Select(s => s.Id).ShouldContain(id);

        await client.DeleteSubscriptionAsync(id);
        (await client.TryGetSubscriptionAsync(id)).ShouldBeNull();
        (await client.ListSubscriptionsAsync().ToListAsync()).Select(s => s.Id).ShouldNotContain(id);
    }

    [Fact]
    public async Task CreateSubscriptionAsync_with_a_bad_url_maps_the_400()
    {
        using var client = new NgsiV2Client(fixture.Options("subbad"));

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.CreateSubscriptionAsync(new NgsiV2Subscription
        {
            Subject = new NgsiV2SubscriptionSubject { Entities = [NgsiV2EntitySelector.ByPattern()] },
            Notification = new NgsiV2SubscriptionNotification { Http = new NgsiV2HttpNotification("ftp://x") },
        }));

        error.StatusCode.ShouldBe(400);
        error.Error.ShouldBe("BadRequest");
        error.Description.ShouldBe("Invalid URL");
    }

    [Fact]
    public async Task CreateSubscriptionAsync_without_a_notification_is_refused_before_sending()
    {
        using var client = new NgsiV2Client(fixture.Options("subbad"));

        var error = await Should.ThrowAsync<ArgumentException>(() => client.CreateSubscriptionAsync(new NgsiV2Subscription
        {
            Subject = new NgsiV2SubscriptionSubject { Entities = [NgsiV2EntitySelector.ByPattern()] },
        }));

        error.Message.ShouldContain("Notification is required");
    }

    [Fact]
    public async Task HasSameDefinition_matches_the_brokers_echo_and_not_a_changed_definition()
    {
        using var client = new NgsiV2Client(fixture.Options("subsame"));
        var definition = new NgsiV2Subscription
        {
            Subject = new NgsiV2SubscriptionSubject { Entities = [NgsiV2EntitySelector.ByPattern(".*", "Room")] },
            Notification = new NgsiV2SubscriptionNotification { Http = new NgsiV2HttpNotification("http://127.0.0.1:9/job1"), Attrs = ["temperature"] },
            Expires = DateTimeOffset.UtcNow.AddHours(1),
        };
        var id = await client.CreateSubscriptionAsync(definition);

        var echo = await client.GetSubscriptionAsync(id);

        echo.HasSameDefinition(definition).ShouldBeTrue();
        echo.HasSameDefinition(definition with { Expires = null, Status = NgsiV2SubscriptionStatus.Inactive }).ShouldBeTrue();
        echo.HasSameDefinition(definition with { Notification = definition.Notification! with { Attrs = ["humidity"] } }).ShouldBeFalse();
        echo.HasSameDefinition(definition with { Notification = definition.Notification! with { Http = new NgsiV2HttpNotification("http://127.0.0.1:9/job2") } }).ShouldBeFalse();
    }
}
