using System.Net;
using System.Text;
using System.Text.Json;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

public sealed class ReceiverTests
{
    private const string V2Body = """{"subscriptionId":"5f0c8f1a2b3c4d5e6f708192","data":[{"id":"E1","type":"T","status":{"type":"Number","value":22,"metadata":{}}},{"id":"E2","type":"T","status":{"type":"Number","value":23,"metadata":{}}}]}""";

    [Fact]
    public async Task Post_orion_wire_notification_splits_entities_into_events_with_headers()
    {
        await using var h = await ReceiverHarness.StartAsync();
        var wire = TestFiles.Request("ngsiv2/orion-wire-notification-normalized.http");
        wire.Headers.Add("Fiware-Service", "smartcity");

        using var response = await h.PostAsync("/notify/job1", wire.Body, wire.Headers);
        await h.StopAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var e = h.Events.ShouldHaveSingleItem();
        e.EntityId.ShouldBe("E1");
        e.Job.ShouldBe("job1");
        e.SubscriptionId.ShouldBe("5f0c8f1a2b3c4d5e6f708192");
        e.Fiware.Tenant.ShouldBe("smartcity");
        e.Fiware.ServicePath.ShouldBe("/");
        e.Correlator.ShouldBe("9a3c1e52-5c1f-11ef-8a2b-0242ac120003; cbnotif=1");
        e.Format.ShouldBe(NotificationFormat.V2Normalized);
        e.V2Entity.Attributes["status"].Value.GetNumber().ShouldBe(22);
    }

    [Theory]
    [InlineData("ngsiv2/orion-wire-notification-keyValues.http", NotificationFormat.V2KeyValues)]
    [InlineData("ngsiv2/orion-wire-notification-values.http", NotificationFormat.V2Values)]
    public async Task Post_other_v2_wire_formats_are_accepted(string file, NotificationFormat format)
    {
        await using var h = await ReceiverHarness.StartAsync();
        var wire = TestFiles.Request(file);

        using var response = await h.PostAsync("/notify/job1", wire.Body, wire.Headers);
        await h.StopAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        h.Events.ShouldNotBeEmpty();
        h.Events.ShouldAllBe(e => e.Format == format);
    }

    [Fact]
    public async Task Post_to_bare_path_routes_by_mapped_subscription_id()
    {
        await using var h = await ReceiverHarness.StartAsync();
        h.Route.MapSubscriptionId("5f0c8f1a2b3c4d5e6f708192");

        using var known = await h.PostAsync("/notify", Encoding.UTF8.GetBytes(V2Body));
        using var unknown = await h.PostAsync("/notify", Encoding.UTF8.GetBytes(V2Body.Replace("5f0c8f1a", "00000000", StringComparison.Ordinal)));
        await h.StopAsync();

        known.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ErrorOf(unknown)).Error.ShouldBe("NotFound");
        h.Events.Select(e => e.EntityId).ShouldBe(["E1", "E2"]);
    }

    [Fact]
    public async Task Post_to_unknown_job_or_subscription_endpoint_returns_404()
    {
        await using var h = await ReceiverHarness.StartAsync();

        using var job = await h.PostAsync("/notify/nobody", Encoding.UTF8.GetBytes(V2Body));
        using var sub = await h.PostAsync("/notify/job1/nosub", Encoding.UTF8.GetBytes(V2Body));
        using var elsewhere = await h.PostAsync("/other", Encoding.UTF8.GetBytes(V2Body));

        job.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        sub.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ErrorOf(job)).Description.ShouldContain("nobody");
        h.Receiver.GetStatistics().Count(RejectReason.NotFound).ShouldBe(3);
    }

    [Fact]
    public async Task Subscription_endpoint_parses_values_format_with_its_attribute_names()
    {
        await using var h = await ReceiverHarness.StartAsync();
        var url = h.Route.AddSubscription("temps", new NotificationParseOptions { Format = NotificationFormat.V2Values, ValuesAttributeNames = ["temperature", "humidity"] });
        var body = """{"subscriptionId":"s1","data":[[21.5,40]]}""";

        using var response = await h.PostAsync(url.AbsolutePath, Encoding.UTF8.GetBytes(body));
        await h.StopAsync();

        url.AbsolutePath.ShouldBe("/notify/job1/temps");
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var attrs = h.Events.ShouldHaveSingleItem().V2Entity.Attributes;
        attrs["temperature"].Value.GetNumber().ShouldBe(21.5);
        attrs["humidity"].Value.GetNumber().ShouldBe(40);
    }

    [Theory]
    [InlineData("{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"E1\",\"type\":\"T\",\"t\":{\"value\":1}", "$")]
    [InlineData("{\"subscriptionId\":\"s\",\"data\":[{\"type\":\"T\"}]}", "$.data[0]")]
    [InlineData("[1,2,3]", "$")]
    [InlineData("not json at all", "$")]
    public async Task Post_malformed_or_non_ngsi_body_returns_400_with_path_counted_not_forwarded(string body, string path)
    {
        await using var h = await ReceiverHarness.StartAsync();

        using var response = await h.PostAsync("/notify/job1", Encoding.UTF8.GetBytes(body));
        await h.StopAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = await ErrorOf(response);
        error.Error.ShouldBe("BadRequest");
        error.Description.ShouldStartWith(path);
        h.Events.ShouldBeEmpty();
        h.Route.GetStatistics().Count(RejectReason.BadRequest).ShouldBe(1);
        h.Receiver.GetStatistics().Accepted.ShouldBe(0);
    }

    // Regressions of hostile bodies: each answered 500 with an empty body, or was accepted losing data, before.
    public static TheoryData<byte[], string, string> HostileBodies() => new()
    {
        { [.. "{\"subscriptionI"u8, 0x93, .. "\":\"s\",\"data\":[{\"id\":\"E1\",\"type\":\"T\"}]}"u8], "$['(invalid UTF-8)']", "an invalid UTF-8 sequence at byte 15 (0x93)" },
        { [.. "{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"E"u8, 0xC0, 0xAF, .. "\",\"type\":\"T\"}]}"u8], "$.data[0].id", "an invalid UTF-8 sequence at byte 38 (0xC0)" },
        { "{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"E\",\"id\":\"F\",\"type\":\"T\"}]}"u8.ToArray(), "$.data[0].id", "a second \"id\"" },
        { "{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"E\",\"type\":\"T\",\"t\":{\"value\":1e400}}]}"u8.ToArray(), "$.data[0].t.value", "a number out of" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Post_hostile_body_returns_400_naming_path_and_cause_and_takes_nothing(byte[] body, string path, string found)
    {
        await using var h = await ReceiverHarness.StartAsync();

        using var response = await h.PostAsync("/notify/job1", body);
        using var valid = await h.PostAsync("/notify/job1", "{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"E1\",\"type\":\"T\"}]}"u8.ToArray());
        await h.StopAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = await ErrorOf(response);
        error.Error.ShouldBe("BadRequest");
        error.Description.ShouldStartWith(path + ":");
        error.Description.ShouldContain(found);
        valid.StatusCode.ShouldBe(HttpStatusCode.NoContent, "a valid notification right after is still taken");
        h.Events.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Post_over_size_limit_returns_413_and_exact_limit_is_accepted()
    {
        const int limit = 1024 * 1024;
        await using var h = await ReceiverHarness.StartAsync(new ReceiverOptions { MaxBodyBytes = limit });
        var exact = PaddedNotification(limit);
        var over = PaddedNotification(limit + 1);

        using var ok = await h.PostAsync("/notify/job1", exact);
        using var tooLarge = await h.PostAsync("/notify/job1", over);
        await h.StopAsync();

        exact.Length.ShouldBe(limit);
        ok.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await ErrorOf(tooLarge)).Description.ShouldContain($"max size supported: {limit}");
        h.Events.ShouldHaveSingleItem().V2Entity.Attributes["pad"].Value.GetString().Length.ShouldBeGreaterThan(limit - 200);
        h.Route.GetStatistics().Count(RejectReason.TooLarge).ShouldBe(1);
    }

    [Fact]
    public async Task Post_chunked_body_over_limit_returns_413()
    {
        await using var h = await ReceiverHarness.StartAsync(new ReceiverOptions { MaxBodyBytes = 4096 });
        var request = new HttpRequestMessage(HttpMethod.Post, "/notify/job1")
        {
            Content = new StreamContent(new MemoryStream(PaddedNotification(20_000))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await h.Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Post_with_wrong_content_type_returns_415()
    {
        await using var h = await ReceiverHarness.StartAsync();

        using var response = await h.PostAsync("/notify/job1", Encoding.UTF8.GetBytes(V2Body), contentType: "text/plain");

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await ErrorOf(response)).Error.ShouldBe("UnsupportedMediaType");
        h.Route.GetStatistics().Count(RejectReason.UnsupportedMediaType).ShouldBe(1);
    }

    [Fact]
    public async Task Get_returns_405()
    {
        await using var h = await ReceiverHarness.StartAsync();

        using var response = await h.Http.GetAsync("/notify/job1");

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Post_without_bearer_token_returns_401_and_with_it_204()
    {
        await using var h = await ReceiverHarness.StartAsync(new ReceiverOptions { BearerToken = "s3cret-token" });
        var body = Encoding.UTF8.GetBytes(V2Body);

        using var none = await h.PostAsync("/notify/job1", body);
        using var wrong = await h.PostAsync("/notify/job1", body, NotificationHeaders.From(("Authorization", "Bearer other")));
        using var right = await h.PostAsync("/notify/job1", body, NotificationHeaders.From(("Authorization", "Bearer s3cret-token")));
        await h.StopAsync();

        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        none.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        (await ErrorOf(none)).Error.ShouldBe("Unauthorized");
        right.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        h.Events.Count.ShouldBe(2);
        h.Receiver.GetStatistics().Count(RejectReason.Unauthorized).ShouldBe(2);
    }

    [Fact]
    public async Task Post_without_shared_secret_header_returns_401()
    {
        await using var h = await ReceiverHarness.StartAsync(new ReceiverOptions { SharedSecretHeader = "X-Flow-Secret", SharedSecret = "abc" });
        var body = Encoding.UTF8.GetBytes(V2Body);

        using var none = await h.PostAsync("/notify/job1", body);
        using var right = await h.PostAsync("/notify/job1", body, NotificationHeaders.From(("X-Flow-Secret", "abc")));

        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        right.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Overload_answers_503_with_retry_after_and_loses_nothing_that_got_2xx()
    {
        using var gate = new SemaphoreSlim(0);
        await using var h = await ReceiverHarness.StartAsync(
            new ReceiverOptions { HoldTimeout = TimeSpan.FromMilliseconds(50), RetryAfter = TimeSpan.FromSeconds(3) },
            capacity: 4,
            action: async (_, ct) => await gate.WaitAsync(ct));
        var posts = Enumerable.Range(0, 30).Select(i => h.PostAsync("/notify/job1", Encoding.UTF8.GetBytes(V2Body.Replace("\"E1\"", $"\"N{i}\"", StringComparison.Ordinal)))).ToArray();
        // A notification partly taken waits for the rest (it never gets 503 after a partial take): let the job move on
        // once the others were answered.
        await Task.WhenAny(Task.WhenAll(posts), Task.Delay(TimeSpan.FromSeconds(2)));
        gate.Release(1000);
        var responses = await Task.WhenAll(posts);
        await h.StopAsync();

        var ok = responses.Where(r => r.StatusCode == HttpStatusCode.NoContent).ToList();
        var unavailable = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        (ok.Count + unavailable.Count).ShouldBe(30);
        unavailable.ShouldNotBeEmpty();
        unavailable[0].Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(3));
        (await ErrorOf(unavailable[0])).Error.ShouldBe("ServiceUnavailable");
        h.Events.Count.ShouldBe(ok.Count * 2);
        h.Receiver.GetStatistics().ServiceUnavailable.ShouldBe(unavailable.Count);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Graceful_stop_drains_every_accepted_event()
    {
        await using var h = await ReceiverHarness.StartAsync(capacity: 100_000, startJob: false);
        for (var i = 0; i < 200; i++)
        {
            using var r = await h.PostAsync("/notify/job1", Encoding.UTF8.GetBytes(V2Body));
            r.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        h.Job.Start();
        await h.StopAsync();

        h.Events.Count.ShouldBe(400);
        h.Route.GetStatistics().Events.ShouldBe(400);
    }

    [Fact]
    public async Task Post_after_job_input_completed_answers_503_stopping()
    {
        await using var h = await ReceiverHarness.StartAsync();
        await h.Job.StopAsync(CancellationToken.None);

        using var response = await h.PostAsync("/notify/job1", Encoding.UTF8.GetBytes(V2Body));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        h.Route.GetStatistics().Count(RejectReason.Stopping).ShouldBe(1);
    }

    [Fact]
    public void Options_with_bad_values_fail_with_one_message_per_value()
    {
        var options = new ReceiverOptions { Port = -1, MaxBodyBytes = 10, NotifyPath = "notify/", SharedSecretHeader = "X" };

        var error = Should.Throw<ArgumentException>(options.Validate);

        error.Message.ShouldContain("Port");
        error.Message.ShouldContain("MaxBodyBytes");
        error.Message.ShouldContain("NotifyPath");
        error.Message.ShouldContain("SharedSecret");
    }

    internal static byte[] PaddedNotification(int size)
    {
        const string head = "{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"P1\",\"type\":\"T\",\"pad\":{\"type\":\"Text\",\"value\":\"";
        const string tail = "\",\"metadata\":{}}}]}";
        return Encoding.UTF8.GetBytes(head + new string('x', size - head.Length - tail.Length) + tail);
    }

    internal static async Task<(string Error, string Description)> ErrorOf(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (doc.RootElement.GetProperty("error").GetString()!, doc.RootElement.GetProperty("description").GetString()!);
    }
}
