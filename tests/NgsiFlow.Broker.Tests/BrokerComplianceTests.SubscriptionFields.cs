using System.Net;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests;

/// <summary>
/// Subscription fields as Orion's functional cases use them: oneshot (3189), covered (3693), notifyOnMetadataChange
/// (3727), the per-subscription timeout (3842), and unknown condition fields.
/// </summary>
public abstract partial class BrokerComplianceTests
{
    [Fact]
    public async Task Oneshot_notifiesOnce_thenShowsInactive_andPatchingOneshotArmsItAgain()
    {
        await CreateAsync("""{"id":"Room1","type":"Room","temperature":{"value":23,"type":"Float"},"pressure":{"value":720,"type":"Integer"}}""");
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"Room1","type":"Room"}],"condition":{"attrs":["pressure"]}},"notification":{"http":{"url":"@URL@"},"attrs":["temperature"]},"status":"oneshot"}"""));
        (await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id)).Body!["status"]!.GetValue<string>().ShouldBe("oneshot");

        await SendAsync(HttpMethod.Patch, "/v2/entities/Room1/attrs", """{"temperature":{"value":24,"type":"Float"},"pressure":{"value":730,"type":"Float"}}""");
        await SendAsync(HttpMethod.Patch, "/v2/entities/Room1/attrs", """{"temperature":{"value":25,"type":"Float"},"pressure":{"value":740,"type":"Float"}}""");
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();

        var first = Receiver.Received.ShouldHaveSingleItem();
        JsonNode.Parse(first.Body)!["data"]![0]!["temperature"]!["value"]!.GetValue<double>().ShouldBe(24);
        var (_, after) = await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
        after!["status"]!.GetValue<string>().ShouldBe("inactive");
        after["notification"]!["timesSent"]!.GetValue<long>().ShouldBe(1);

        (await SendAsync(HttpMethod.Patch, "/v2/subscriptions/" + id, """{"status":"oneshot"}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id)).Body!["status"]!.GetValue<string>().ShouldBe("oneshot");
        await SendAsync(HttpMethod.Patch, "/v2/entities/Room1/attrs", """{"temperature":{"value":26,"type":"Float"},"pressure":{"value":750,"type":"Float"}}""");
        await SendAsync(HttpMethod.Patch, "/v2/entities/Room1/attrs", """{"temperature":{"value":24,"type":"Float"},"pressure":{"value":720,"type":"Float"}}""");
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();

        Receiver.Received.Count.ShouldBe(2);
        JsonNode.Parse(Receiver.Received[1].Body)!["data"]![0]!["temperature"]!["value"]!.GetValue<double>().ShouldBe(26);
    }

    [Fact]
    public async Task Oneshot_thatNotified_staysInactiveWhenAPatchChangesSomethingElse()
    {
        await CreateAsync("""{"id":"E1","type":"T","a":{"value":1}}""");
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1"}]},"notification":{"http":{"url":"@URL@"}},"status":"oneshot"}"""));
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":2}}""");
        await Receiver.WaitForAsync(1);

        (await SendAsync(HttpMethod.Patch, "/v2/subscriptions/" + id, """{"description":"renamed"}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":3}}""");
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();

        (await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id)).Body!["status"]!.GetValue<string>().ShouldBe("inactive");
        Receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Covered_attributesTheEntityLacks_areNotifiedAsNoneNull()
    {
        await CreateAsync("""{"id":"Room1","type":"Room","temperature":{"value":23,"type":"Float"},"pressure":{"value":720,"type":"Integer"}}""");
        var id = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"Room1","type":"Room"}],"condition":{"attrs":["pressure"]}},"notification":{"http":{"url":"@URL@"},"attrs":["temperature","humudity","brightness"],"covered":true}}"""));
        (await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id)).Body!["notification"]!["covered"]!.GetValue<bool>().ShouldBeTrue();

        await SendAsync(HttpMethod.Patch, "/v2/entities/Room1/attrs", """{"temperature":{"value":24,"type":"Float"},"pressure":{"value":730,"type":"Float"}}""");
        var received = (await Receiver.WaitForAsync(1))[0];

        JsonNode.DeepEquals(JsonNode.Parse(received.Body)!["data"]![0], JsonNode.Parse("""
            {"id":"Room1","type":"Room","temperature":{"type":"Float","value":24,"metadata":{}},"humudity":{"type":"None","value":null,"metadata":{}},"brightness":{"type":"None","value":null,"metadata":{}}}
            """)).ShouldBeTrue(received.Body);
    }

    [Theory]
    [InlineData("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"http://localhost:1234"},"covered":true}}""", "covered true cannot be used if notification attributes list is empty")]
    [InlineData("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"http://localhost:1234"},"covered":"foo"}}""", "covered is not a bool")]
    [InlineData("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"http://localhost:1234","timeout":-1}}}""", "timeout field must be an integer between 0 and 1800000")]
    [InlineData("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"http://localhost:1234","timeout":1800001}}}""", "timeout field must be an integer between 0 and 1800000")]
    [InlineData("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"http://localhost:1234","timeout":"10"}}}""", "timeout is not an int")]
    [InlineData("""{"subject":{"entities":[{"id":"E"}]},"notification":{"httpCustom":{"url":"http://localhost:1234","timeout":2.5}}}""", "timeout is not an int")]
    [InlineData("""{"subject":{"entities":[{"id":"E"}],"condition":{"attrs":["a"],"atrs":["b"]}},"notification":{"http":{"url":"http://localhost:1234"}}}""", "unrecognized field in condition: /atrs/")]
    [InlineData("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"http://localhost:1234","headers":{}}}}""", "unrecognized field in http: /headers/")]
    [InlineData("""{"subject":{"entities":[{"id":"E"}],"condition":{"notifyOnMetadataChange":"foo"}},"notification":{"http":{"url":"http://localhost:1234"}}}""", "notifyOnMetadataChange is not a bool")]
    public async Task Subscription_badField_is400WithOrionsDescription(string body, string description)
    {
        var (response, error) = await SendAsync(HttpMethod.Post, "/v2/subscriptions", body);

        ShouldBeError(response, error, HttpStatusCode.BadRequest, "BadRequest", description);
    }

    [Fact]
    public async Task Covered_patchToTrueWithoutAttrs_is400_andTheSubscriptionStaysAsItWas()
    {
        var id = await SubscribeAsync("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"http://localhost:1234"}}}""");

        var (response, error) = await SendAsync(HttpMethod.Patch, "/v2/subscriptions/" + id, """{"notification":{"http":{"url":"http://localhost:1234"},"covered":true}}""");

        ShouldBeError(response, error, HttpStatusCode.BadRequest, "BadRequest", "covered true cannot be used if notification attributes list is empty");
        (await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id)).Body!["notification"]!["covered"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task NotifyOnMetadataChangeFalse_metadataOnlyChangeDoesNotNotify_valueChangeDoes()
    {
        await CreateAsync("""{"id":"E1","type":"Thing","A1":{"value":26.5,"type":"Float","metadata":{"M1":{"value":0.77,"type":"Float"}}}}""");
        var quiet = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1","type":"Thing"}],"condition":{"attrs":["A1"],"notifyOnMetadataChange":false}},"notification":{"http":{"url":"@URL@"},"attrs":["A1"]}}"""));
        (await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + quiet)).Body!["subject"]!["condition"]!["notifyOnMetadataChange"]!.GetValue<bool>().ShouldBeFalse();

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"A1":{"value":26.5,"type":"Float","metadata":{"M1":{"value":1.55,"type":"Float"}}}}""");
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        Receiver.Received.ShouldBeEmpty();

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"A1":{"value":30,"type":"Float","metadata":{"M1":{"value":1.55,"type":"Float"}}}}""");
        var received = (await Receiver.WaitForAsync(1))[0];
        JsonNode.Parse(received.Body)!["data"]![0]!["A1"]!["value"]!.GetValue<double>().ShouldBe(30);
    }

    [Fact]
    public async Task NotifyOnMetadataChangeTrue_theDefault_metadataOnlyChangeNotifies()
    {
        await CreateAsync("""{"id":"E1","type":"Thing","A1":{"value":26.5,"type":"Float","metadata":{"M1":{"value":0.77,"type":"Float"}}}}""");
        await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E1","type":"Thing"}],"condition":{"attrs":["A1"]}},"notification":{"http":{"url":"@URL@"}}}"""));

        await SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"A1":{"value":26.5,"type":"Float","metadata":{"M1":{"value":1.55,"type":"Float"}}}}""");

        JsonNode.Parse((await Receiver.WaitForAsync(1))[0].Body)!["data"]![0]!["A1"]!["metadata"]!["M1"]!["value"]!.GetValue<double>().ShouldBe(1.55);
    }

    [Fact]
    public async Task Timeout_perSubscription_aSlowReceiverFailsTheShortOneAndNotTheLongOne()
    {
        Receiver.HandlingTime = () => TimeSpan.FromMilliseconds(1500);
        await CreateAsync("""{"id":"E","type":"T","a":{"value":1}}""");
        var patient = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"@URL@","timeout":10000}}}"""));
        var hasty = await SubscribeAsync(T("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"@URL@","timeout":300}}}"""));
        (await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + hasty)).Body!["notification"]!["http"]!["timeout"]!.GetValue<int>().ShouldBe(300);

        await SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", """{"a":{"value":2}}""");
        (await Broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();

        var (_, good) = await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + patient);
        good!["notification"]!["lastSuccessCode"]!.GetValue<int>().ShouldBe(200);
        var (_, bad) = await SendAsync(HttpMethod.Get, "/v2/subscriptions/" + hasty);
        bad!["notification"]!["failsCounter"]!.GetValue<long>().ShouldBe(1);
        bad["notification"]!["lastFailureReason"]!.GetValue<string>().ShouldBe("Timeout was reached");
    }
}
