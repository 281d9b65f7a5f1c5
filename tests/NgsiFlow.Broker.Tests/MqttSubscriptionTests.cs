using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NgsiFlow.Broker.Tests.Infrastructure;

namespace NgsiFlow.Broker.Tests;

/// <summary>
/// MQTT subscriptions as Orion parses and renders them (its functional cases 3001_mqtt and 3914_mqtt_notifications_auth):
/// every bad field a 400 with Orion's text, GET showing the defaults and a masked password, and the delivery
/// statistics of an MQTT broker that cannot be reached. No MQTT server needed here; see <see cref="MqttNotificationTests"/>.
/// </summary>
public sealed class MqttSubscriptionTests : IAsyncLifetime
{
    private ContextBroker _broker = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationTimeout = TimeSpan.FromSeconds(2) });
        _client = new HttpClient { BaseAddress = _broker.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _broker.DisposeAsync();
    }

    public static TheoryData<string, string> BadNotifications() => new()
    {
        { """{"attrs":["A1"]}""", "http, httpCustom, mqtt, mqttCustom, kafka or kafkaCustom is missing" },
        { """{"http":{"url":"mqtt://localhost"},"mqtt":{"url":"localhost:1883","topic":"/orion/notif","qos":1}}""", "only one of http, httpCustom, mqtt, mqttCustom, kafka or kafkaCustom is allowed" },
        { """{"mqtt":"foo"}""", "mqtt notification is not an object" },
        { """{"mqttCustom":"foo"}""", "mqttCustom notification is not an object" },
        { """{"mqtt":{"topic":"/orion/notif","qos":1}}""", "url mqtt notification is missing" },
        { """{"mqtt":{"url":1234,"topic":"/orion/notif","qos":1}}""", "url mqtt notification is not a string" },
        { """{"mqtt":{"url":"http://localhost:9999","topic":"/orion/notif","qos":1}}""", "http or https URL cannot be used in mqtt notifications" },
        { """{"mqtt":{"url":"mqtt://localhost:1883/path/not/valid","topic":"/orion/notif","qos":1}}""", "path cannot be used in mqtt url, use topic instead" },
        { """{"mqtt":{"url":"not a url","topic":"/orion/notif"}}""", "invalid mqtt /url/" },
        { """{"mqtt":{"url":"mqtt://localhost:1833","qos":1}}""", "topic mqtt notification is missing" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":1234,"qos":1}}""", "topic mqtt notification is not a string" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"","qos":1}}""", "empty mqtt field /topic/" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/sub#","qos":1}}""", "+ and # are not allowed in mqtt field /topic/" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/sub+","qos":1}}""", "+ and # are not allowed in mqtt field /topic/" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/a;b"}}""", "forbidden characters in mqtt field /topic/" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion/notif","qos":"foo"}}""", "qos is not an int" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion/notif","qos":1.5}}""", "qos is not an int" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion/notif","qos":-1}}""", "mqtt qos field must be an integer in the 0 to 2 range" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion/notif","qos":3}}""", "mqtt qos field must be an integer in the 0 to 2 range" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion/notif","retain":"yes"}}""", "retain is not a bool" },
        { """{"http":{"url":"mqtt://localhost:1883"}}""", "mqtt URL cannot be used in http notifications" },
        { """{"httpCustom":{"url":"mqtt://localhost:1883"}}""", "mqtt URL cannot be used in http notifications" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion","user":"user1"}}""", "you must use user and passwd fields simultaneously" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion","passwd":"pass1"}}""", "you must use user and passwd fields simultaneously" },
        { """{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion","user":"forbidden;;","passwd":"passwd1"}}""", "forbidden characters in mqtt /user/" },
        { """{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"t","payload":"a","json":{"b":1}}}""", "only one of payload, json or ngsi fields accepted at the same time in httpCustom, mqttCustom or kafkaCustom" },
        { """{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"t","json":"text"}}""", "json fields in httpCustom, mqttCustom or kafkaCustom must be object or array" },
        { """{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"t","payload":12}}""", "payload custom notification is not a string" },
        { """{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"t","ngsi":{"id":12}}}""", "Invalid JSON type for entity id" },
        { """{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"t","ngsi":{"A":{"value":1,"metadata":{"m":{"value":1}}}}}}""", "only evalPriority metadata is allowed in ngsi field in custom notifications" },
    };

    [Theory]
    [MemberData(nameof(BadNotifications))]
    public async Task CreateSubscription_bad_mqtt_field_returns_400_with_orions_text(string notification, string description)
    {
        var (response, body) = await _client.SendAsync(HttpMethod.Post, "/v2/subscriptions", Subscription(notification));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        body!["error"]!.GetValue<string>().ShouldBe("BadRequest");
        body["description"]!.GetValue<string>().ShouldBe(description);
    }

    [Fact]
    public async Task PatchSubscription_bad_mqtt_field_returns_400_and_keeps_the_subscription()
    {
        var id = await CreateAsync("""{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion"}}""");

        var (response, body) = await _client.SendAsync(HttpMethod.Patch, "/v2/subscriptions/" + id, """{"notification":{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion","qos":7}}}""");
        var (_, kept) = await _client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        body!["description"]!.GetValue<string>().ShouldBe("mqtt qos field must be an integer in the 0 to 2 range");
        kept!["notification"]!["mqtt"]!["qos"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task GetSubscription_mqtt_renders_defaults_as_orion_does()
    {
        var id = await CreateAsync("""{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion/notif"},"attrs":["A1"]}""");

        var (_, body) = await _client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);

        var notification = body!["notification"]!;
        JsonNode.DeepEquals(notification["mqtt"], JsonNode.Parse("""{"url":"mqtt://localhost:1883","topic":"/orion/notif","qos":0,"retain":false}""")).ShouldBeTrue(notification.ToJsonString());
        notification["http"].ShouldBeNull();
        notification["attrsFormat"]!.GetValue<string>().ShouldBe("normalized");
        body["status"]!.GetValue<string>().ShouldBe("active");
    }

    [Fact]
    public async Task GetSubscription_mqtt_with_credentials_shows_user_and_masks_passwd()
    {
        var id = await CreateAsync("""{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion","qos":2,"retain":true,"user":"user1","passwd":"pass1"}}""");

        var (_, body) = await _client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
        var (_, list) = await _client.SendAsync(HttpMethod.Get, "/v2/subscriptions");

        JsonNode.DeepEquals(body!["notification"]!["mqtt"], JsonNode.Parse("""{"url":"mqtt://localhost:1883","topic":"/orion","qos":2,"retain":true,"user":"user1","passwd":"*****"}""")).ShouldBeTrue(body.ToJsonString());
        list!.ToJsonString().ShouldNotContain("pass1");
    }

    [Fact]
    public async Task PatchSubscription_mqtt_without_credentials_removes_them()
    {
        var id = await CreateAsync("""{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion","user":"user1","passwd":"pass1"}}""");

        (await _client.SendAsync(HttpMethod.Patch, "/v2/subscriptions/" + id, """{"notification":{"mqtt":{"url":"mqtt://localhost:1883","topic":"/orion"}}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var (_, body) = await _client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);

        var mqtt = body!["notification"]!["mqtt"]!;
        mqtt["user"].ShouldBeNull();
        mqtt["passwd"].ShouldBeNull();
    }

    [Fact]
    public async Task GetSubscription_mqttCustom_renders_payload_json_and_ngsi()
    {
        var payload = await CreateAsync("""{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"sub/${id}","payload":"{ %22A%22: %22${A}%22 }"}}""");
        var none = await CreateAsync("""{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"t","payload":null}}""");
        var json = await CreateAsync("""{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"t","json":{"a":"${A}"}}}""");
        var ngsi = await CreateAsync("""{"mqttCustom":{"url":"mqtt://localhost:1883","topic":"t","ngsi":{"id":"E1","type":"T1","A":{"value":1,"type":"Number"}}}}""");

        JsonNode.DeepEquals((await GetAsync(payload))["notification"]!["mqttCustom"], JsonNode.Parse("""{"url":"mqtt://localhost:1883","topic":"sub/${id}","qos":0,"retain":false,"payload":"{ %22A%22: %22${A}%22 }"}""")).ShouldBeTrue();
        JsonNode.DeepEquals((await GetAsync(none))["notification"]!["mqttCustom"], JsonNode.Parse("""{"url":"mqtt://localhost:1883","topic":"t","qos":0,"retain":false,"payload":null}""")).ShouldBeTrue();
        JsonNode.DeepEquals((await GetAsync(json))["notification"]!["mqttCustom"], JsonNode.Parse("""{"url":"mqtt://localhost:1883","topic":"t","qos":0,"retain":false,"json":{"a":"${A}"}}""")).ShouldBeTrue();
        JsonNode.DeepEquals((await GetAsync(ngsi))["notification"]!["mqttCustom"], JsonNode.Parse("""{"url":"mqtt://localhost:1883","topic":"t","qos":0,"retain":false,"ngsi":{"id":"E1","type":"T1","A":{"value":1,"type":"Number"}}}""")).ShouldBeTrue();
    }

    [Fact]
    public async Task Notification_to_unreachable_mqtt_broker_counts_failures_without_reason_and_maxFailsLimit_disables()
    {
        int deadPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        (await _client.SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E1","type":"T","a":{"value":1}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = await CreateAsync($$$$"""{"mqtt":{"url":"mqtt://127.0.0.1:{{{{deadPort}}}}","topic":"t"},"maxFailsLimit":2}""", entity: "E1");
        for (var value = 2; value <= 4; value++)
        {
            await _client.SendAsync(HttpMethod.Patch, "/v2/entities/E1/attrs", """{"a":{"value":V}}""".Replace("V", value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            (await _broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
            if (value == 2)
            {
                var failed = await GetAsync(id);
                failed["status"]!.GetValue<string>().ShouldBe("active");
                failed["notification"]!["failsCounter"]!.GetValue<long>().ShouldBe(1);
                failed["notification"]!["lastFailure"].ShouldNotBeNull();
                failed["notification"]!["lastFailureReason"].ShouldBeNull();
                failed["notification"]!["lastSuccessCode"].ShouldBeNull();
            }
        }

        // As Orion: disabled once failsCounter is greater than maxFailsLimit, so on the third failure with a limit of 2.
        var disabled = await GetAsync(id);
        disabled["status"]!.GetValue<string>().ShouldBe("inactive");
        disabled["notification"]!["timesSent"]!.GetValue<long>().ShouldBe(3);
        disabled["notification"]!["failsCounter"]!.GetValue<long>().ShouldBe(3);
        _broker.NotificationsFailed.ShouldBe(3);
    }

    private static string Subscription(string notification, string entity = "E1") =>
        $$$$"""{"description":"Test subscription","subject":{"entities":[{"id":"{{{{entity}}}}","type":"T"}]},"notification":{{{{notification}}}}}""";

    private async Task<string> CreateAsync(string notification, string entity = "E1")
    {
        var (response, body) = await _client.SendAsync(HttpMethod.Post, "/v2/subscriptions", Subscription(notification, entity));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        return response.Headers.Location!.ToString()["/v2/subscriptions/".Length..];
    }

    private async Task<JsonNode> GetAsync(string id)
    {
        var (response, body) = await _client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return body!;
    }
}
