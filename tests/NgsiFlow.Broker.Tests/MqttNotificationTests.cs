using System.Net;
using System.Text.Json.Nodes;
using MQTTnet.Protocol;
using NgsiFlow.Broker.Tests.Infrastructure;
using NgsiFlow.Testing;

namespace NgsiFlow.Broker.Tests;

/// <summary>
/// MQTT notifications published on a real mosquitto, compared with what Orion publishes (its functional cases
/// 3001_mqtt, 2560_custom_notification_json and 4085_custom_notifications_ngsi_payload): the payload per attrsFormat,
/// mqttCustom's payload, json and ngsi with topic macros, QoS, retain and credentials, and the statistics.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class MqttNotificationTests(MosquittoFixture mosquitto) : IAsyncLifetime
{
    private readonly string _topic = "t" + Guid.NewGuid().ToString("N")[..12];
    private ContextBroker _broker = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        _client = new HttpClient { BaseAddress = _broker.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _broker.DisposeAsync();
    }

    public static TheoryData<string, string> Formats() => new()
    {
        { "normalized", """{"subscriptionId":"@ID@","data":[{"id":"E","type":"T","A":{"type":"Float","value":1,"metadata":{}}}]}""" },
        { "keyValues", """{"subscriptionId":"@ID@","data":[{"id":"E","type":"T","A":1}]}""" },
        { "values", """{"subscriptionId":"@ID@","data":[[1]]}""" },
        { "simplifiedNormalized", """{"id":"E","type":"T","A":{"type":"Float","value":1,"metadata":{}}}""" },
        { "simplifiedKeyValues", """{"id":"E","type":"T","A":1}""" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Mqtt_notification_payload_is_orions_for_each_attrsFormat(string format, string expected)
    {
        await using var probe = await MqttProbe.StartAsync(mosquitto.Uri, _topic);
        var id = await SubscribeAsync($$$$"""{"mqtt":{"url":"{{{{mosquitto.Uri.AbsoluteUri.TrimEnd('/')}}}}","topic":"{{{{_topic}}}}"},"attrsFormat":"{{{{format}}}}"}""");

        await CreateAsync("""{"id":"E","type":"T","A":{"value":1,"type":"Float"}}""");

        var message = (await probe.WaitForAsync(1)).Single();
        message.Topic.ShouldBe(_topic);
        message.Qos.ShouldBe(MqttQualityOfServiceLevel.AtMostOnce);
        JsonNode.DeepEquals(JsonNode.Parse(message.Payload), JsonNode.Parse(expected.Replace("@ID@", id, StringComparison.Ordinal))).ShouldBeTrue(message.Payload);
    }

    [Fact]
    public async Task Mqtt_notifications_count_timesSent_and_lastSuccess_without_a_status_code()
    {
        await using var probe = await MqttProbe.StartAsync(mosquitto.Uri, _topic + "/#");
        var first = await SubscribeAsync($$$$"""{"mqtt":{"url":"{{{{Url}}}}","topic":"{{{{_topic}}}}/sub1"}}""");
        var second = await SubscribeAsync($$$$"""{"mqtt":{"url":"{{{{Url}}}}","topic":"{{{{_topic}}}}/sub2","qos":1}}""");

        await CreateAsync("""{"id":"E","type":"T","A":{"value":1,"type":"Float"}}""");
        await PatchAsync("""{"A":{"value":2,"type":"Float"}}""");

        var messages = await probe.WaitForAsync(4);
        (await _broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        messages.Count(m => m.Topic == _topic + "/sub1").ShouldBe(2);
        messages.Where(m => m.Topic == _topic + "/sub2").Select(m => m.Qos).ShouldBe([MqttQualityOfServiceLevel.AtLeastOnce, MqttQualityOfServiceLevel.AtLeastOnce]);
        foreach (var id in new[] { first, second })
        {
            var notification = (await GetAsync(id))["notification"]!;
            notification["timesSent"]!.GetValue<long>().ShouldBe(2);
            notification["lastSuccess"].ShouldNotBeNull();
            notification["lastNotification"].ShouldNotBeNull();
            notification["lastSuccessCode"].ShouldBeNull();
            notification["failsCounter"].ShouldBeNull();
        }
    }

    [Fact]
    public async Task MqttCustom_payload_replaces_macros_in_topic_and_payload_and_decodes_percent_escapes()
    {
        await using var probe = await MqttProbe.StartAsync(mosquitto.Uri, _topic + "/#");
        await SubscribeAsync($$$$"""{"mqttCustom":{"url":"{{{{Url}}}}","topic":"{{{{_topic}}}}/${id}","payload":"{ %22A%22: %22${A}%22 }"}}""", entity: """{"idPattern":".*","type":"T"}""");

        await CreateAsync("""{"id":"E1","type":"T","A":{"value":1,"type":"Float"}}""");
        await CreateAsync("""{"id":"E2","type":"T","A":{"value":2,"type":"Float"}}""");

        var messages = await probe.WaitForAsync(2);
        messages.OrderBy(m => m.Topic, StringComparer.Ordinal).Select(m => (m.Topic, m.Payload)).ShouldBe([(_topic + "/E1", """{ "A": "1" }"""), (_topic + "/E2", """{ "A": "2" }""")]);
    }

    [Fact]
    public async Task MqttCustom_json_replaces_whole_string_macros_with_values()
    {
        await using var probe = await MqttProbe.StartAsync(mosquitto.Uri, _topic);
        await SubscribeAsync($$$$"""{"mqttCustom":{"url":"{{{{Url}}}}","topic":"{{{{_topic}}}}","json":{"id":"${id}","A":"${A}","text":"A is ${A}","list":["${A}",1]}}}""");

        await CreateAsync("""{"id":"E","type":"T","A":{"value":21.5,"type":"Float"}}""");

        var message = (await probe.WaitForAsync(1)).Single();
        JsonNode.DeepEquals(JsonNode.Parse(message.Payload), JsonNode.Parse("""{"id":"E","A":21.5,"text":"A is 21.5","list":[21.5,1]}""")).ShouldBeTrue(message.Payload);
    }

    [Fact]
    public async Task MqttCustom_ngsi_lays_its_attributes_over_the_entity_in_attrsFormat()
    {
        await using var probe = await MqttProbe.StartAsync(mosquitto.Uri, _topic);
        var id = await SubscribeAsync($$$$"""{"mqttCustom":{"url":"{{{{Url}}}}","topic":"{{{{_topic}}}}","ngsi":{"id":"${id}-copy","B":{"value":"${A}","type":"Number"},"C":{"value":"constant","type":"Text"}}},"attrsFormat":"keyValues"}""");

        await CreateAsync("""{"id":"E","type":"T","A":{"value":3,"type":"Number"}}""");

        var message = (await probe.WaitForAsync(1)).Single();
        JsonNode.DeepEquals(JsonNode.Parse(message.Payload), JsonNode.Parse($$$$"""{"subscriptionId":"{{{{id}}}}","data":[{"id":"E-copy","type":"T","B":3,"C":"constant","A":3}]}""")).ShouldBeTrue(message.Payload);
    }

    [Fact]
    public async Task MqttCustom_null_payload_publishes_an_empty_message()
    {
        await using var probe = await MqttProbe.StartAsync(mosquitto.Uri, _topic);
        await SubscribeAsync($$$$"""{"mqttCustom":{"url":"{{{{Url}}}}","topic":"{{{{_topic}}}}","payload":null}}""");

        await CreateAsync("""{"id":"E","type":"T","A":{"value":1}}""");

        (await probe.WaitForAsync(1)).Single().Payload.ShouldBeEmpty();
    }

    [Fact]
    public async Task Mqtt_qos_2_and_retain_reach_the_broker()
    {
        await SubscribeAsync($$$$"""{"mqtt":{"url":"{{{{Url}}}}","topic":"{{{{_topic}}}}","qos":2,"retain":true},"attrsFormat":"keyValues"}""");
        await CreateAsync("""{"id":"E","type":"T","A":{"value":7}}""");
        (await _broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        _broker.NotificationsSent.ShouldBe(1);

        // A subscriber that arrives later still gets the retained notification, flagged retained.
        await using var late = await MqttProbe.StartAsync(mosquitto.Uri, _topic);
        var message = (await late.WaitForAsync(1)).Single();
        message.Retain.ShouldBeTrue();
        message.Qos.ShouldBe(MqttQualityOfServiceLevel.ExactlyOnce);
        JsonNode.Parse(message.Payload)!["data"]![0]!["A"]!.GetValue<double>().ShouldBe(7);

    }

    [Fact]
    public async Task Mqtt_user_and_passwd_authenticate_and_a_wrong_passwd_fails()
    {
        await using var secured = await MosquittoServer.StartAsync("orion", "s3cret");
        var url = secured.Uri.AbsoluteUri.TrimEnd('/');
        await using var probe = await MqttProbe.StartAsync(secured.Uri, _topic, "orion", "s3cret");
        var good = await SubscribeAsync($$$$"""{"mqtt":{"url":"{{{{url}}}}","topic":"{{{{_topic}}}}","user":"orion","passwd":"s3cret"}}""");
        var bad = await SubscribeAsync($$$$"""{"mqtt":{"url":"{{{{url}}}}","topic":"{{{{_topic}}}}","user":"orion","passwd":"wrong"}}""");

        await CreateAsync("""{"id":"E","type":"T","A":{"value":1}}""");

        (await probe.WaitForAsync(1)).Count.ShouldBe(1);
        (await _broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        (await GetAsync(good))["notification"]!["timesSent"]!.GetValue<long>().ShouldBe(1);
        var failed = await GetAsync(bad);
        failed["status"]!.GetValue<string>().ShouldBe("active");
        failed["notification"]!["failsCounter"]!.GetValue<long>().ShouldBe(1);
    }

    private string Url => mosquitto.Uri.AbsoluteUri.TrimEnd('/');

    private async Task<string> SubscribeAsync(string notification, string entity = """{"id":"E","type":"T"}""")
    {
        var (response, body) = await _client.SendAsync(HttpMethod.Post, "/v2/subscriptions", $$$$"""{"subject":{"entities":[{{{{entity}}}}]},"notification":{{{{notification}}}}}""");
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        return response.Headers.Location!.ToString()["/v2/subscriptions/".Length..];
    }

    private async Task CreateAsync(string entity)
    {
        var (response, body) = await _client.SendAsync(HttpMethod.Post, "/v2/entities", entity);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
    }

    private async Task PatchAsync(string attrs)
    {
        // Wait for the previous notification first, so that the two leave in order and both count.
        (await _broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        var (response, _) = await _client.SendAsync(HttpMethod.Post, "/v2/entities/E/attrs", attrs);
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    private async Task<JsonNode> GetAsync(string id)
    {
        var (response, body) = await _client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return body!;
    }
}
