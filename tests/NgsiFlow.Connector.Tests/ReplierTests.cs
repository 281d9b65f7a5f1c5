using System.Text.Json;
using NgsiFlow.Client;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

public sealed class ReplierTests
{
    private static readonly NgsiV2Attribute Strength = new("strength", NgsiValue.FromNumber(41.5), "Number");

    [Fact]
    public async Task Write_back_answered_5xx_is_retried_until_confirmed()
    {
        var calls = 0;
        await using var server = await RecordingServer.StartAsync(_ => Interlocked.Increment(ref calls) <= 2 ? (503, """{"error":"ServiceUnavailable","description":"busy"}""", null) : (204, null, null));
        using var broker = BrokerConnection.V2(new NgsiClientOptions { BaseAddress = server.BaseAddress, Retry = { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(10), UseJitter = false } });
        await using var replier = new NgsiReplier(broker);

        await replier.UpdateAttributesAsync("mix1", "ConcreteMix", [Strength], null, CancellationToken.None);

        server.Requests.Count.ShouldBe(3);
        server.Requests.ShouldAllBe(r => r.Method == "PATCH" && r.Path == "/v2/entities/mix1/attrs?type=ConcreteMix");
        var stats = replier.GetStatistics();
        stats.Confirmed.ShouldBe(1);
        stats.Retries.ShouldBe(2);
        stats.DeadLettered.ShouldBe(0);
    }

    [Fact]
    public async Task Entity_creation_answered_5xx_is_sent_once_while_an_upsert_is_retried()
    {
        var failed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await using var server = await RecordingServer.StartAsync(r => failed.TryAdd(r.Path, true) ? (503, """{"error":"ServiceUnavailable","description":"busy"}""", null) : (201, null, null));
        using var broker = BrokerConnection.V2(new NgsiClientOptions { BaseAddress = server.BaseAddress, Retry = { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(10), UseJitter = false } });
        await using var replier = new NgsiReplier(broker);
        var entity = new NgsiV2Entity("mix1", "ConcreteMix", new NgsiV2AttributeCollection([Strength]));

        // A create that may have reached the broker is not repeated: a second POST would be refused as a duplicate.
        var error = await Should.ThrowAsync<WriteBackException>(() => replier.CreateEntityAsync(entity, null, CancellationToken.None));
        error.Failure.StatusCode.ShouldBe(503);
        server.Requests.Count.ShouldBe(1);

        // An upsert gives the same entity however often it is sent: retried until confirmed.
        await replier.UpsertEntityAsync(entity, null, CancellationToken.None);
        server.Requests.Count.ShouldBe(3);
        server.Requests.Select(r => r.Path).ShouldBe(["/v2/entities", "/v2/entities?options=upsert", "/v2/entities?options=upsert"]);
        replier.GetStatistics().DeadLettered.ShouldBe(1);
        replier.GetStatistics().Confirmed.ShouldBe(1);
    }

    [Fact]
    public async Task Write_back_failing_for_good_goes_to_dead_letter_file_and_sink_and_faults_the_task()
    {
        await using var server = await RecordingServer.StartAsync(_ => (500, """{"error":"InternalServerError","description":"disk full"}""", null));
        var path = Path.Combine(Path.GetTempPath(), $"ngsiflow-dead-{Guid.NewGuid():N}.jsonl");
        var sink = new ListSink();
        try
        {
            using var broker = BrokerConnection.V2(new NgsiClientOptions { BaseAddress = server.BaseAddress, Retry = { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(5) } });
            await using var replier = new NgsiReplier(broker, new ReplierOptions { DeadLetterPath = path, DeadLetterSink = sink });
            var source = new NgsiEvent("job", new NgsiV2Entity("mix9", "ConcreteMix"), new FiwareContext("plant", "/a", "abc; cbnotif=2"), NotificationFormat.V2Normalized, "s1", null, DateTimeOffset.UtcNow);

            var error = await Should.ThrowAsync<WriteBackException>(() => replier.UpdateAttributesAsync(source, [Strength], CancellationToken.None));

            error.Failure.StatusCode.ShouldBe(500);
            error.Failure.Description.ShouldBe("disk full");
            server.Requests.Count.ShouldBe(2);
            server.Requests[0].Header("Fiware-Service").ShouldBe("plant");
            server.Requests[0].Header("Fiware-ServicePath").ShouldBe("/a");
            server.Requests[0].Header("Fiware-Correlator").ShouldBe("abc");
            var line = (await File.ReadAllLinesAsync(path)).ShouldHaveSingleItem();
            using var doc = JsonDocument.Parse(line);
            doc.RootElement.GetProperty("path").GetString().ShouldBe("/v2/entities/mix9/attrs?type=ConcreteMix");
            doc.RootElement.GetProperty("tenant").GetString().ShouldBe("plant");
            doc.RootElement.GetProperty("statusCode").GetInt32().ShouldBe(500);
            doc.RootElement.GetProperty("body").GetString()!.ShouldContain("41.5");
            sink.Items.ShouldHaveSingleItem().Path.ShouldBe("/v2/entities/mix9/attrs?type=ConcreteMix");
            replier.GetStatistics().DeadLettered.ShouldBe(1);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Batch_refused_with_4xx_is_split_and_only_the_bad_write_is_dead_lettered()
    {
        await using var server = await RecordingServer.StartAsync(r =>
            r.Path == "/v2/op/update" ? (404, """{"error":"NotFound","description":"The requested entity has not been found. Check type and id"}""", null)
            : r.Path.Contains("ghost", StringComparison.Ordinal) ? (404, """{"error":"NotFound","description":"no ghost"}""", null)
            : (204, null, null));
        using var broker = BrokerConnection.V2(new NgsiClientOptions { BaseAddress = server.BaseAddress });
        await using var replier = new NgsiReplier(broker, new ReplierOptions { BatchWindow = TimeSpan.FromSeconds(10), MaxBatchSize = 2 });

        var good = replier.UpdateAttributesAsync("mix1", "ConcreteMix", [Strength], null, CancellationToken.None);
        var bad = replier.UpdateAttributesAsync("ghost", "ConcreteMix", [Strength], null, CancellationToken.None);
        await good;
        await Should.ThrowAsync<WriteBackException>(() => bad);

        server.Requests.Select(r => r.Path).ShouldBe(["/v2/op/update", "/v2/entities/mix1/attrs?type=ConcreteMix", "/v2/entities/ghost/attrs?type=ConcreteMix"]);
        using var doc = JsonDocument.Parse(server.Requests[0].Body);
        doc.RootElement.GetProperty("actionType").GetString().ShouldBe("update");
        doc.RootElement.GetProperty("entities").GetArrayLength().ShouldBe(2);
        replier.GetStatistics().DeadLettered.ShouldBe(1);
    }

    [Fact]
    public async Task OAuth2_token_is_fetched_and_refreshed_before_expiry_through_the_client()
    {
        var issued = 0;
        await using var server = await RecordingServer.StartAsync(r => r.Path == "/oauth2/token"
            ? (200, $$"""{"access_token":"token-{{Interlocked.Increment(ref issued)}}","token_type":"Bearer","expires_in":300}""", null)
            : (204, null, null));
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var broker = BrokerConnection.V2(new NgsiClientOptions
        {
            BaseAddress = server.BaseAddress,
            TimeProvider = clock,
            Auth = new NgsiAuthOptions
            {
                Mode = NgsiAuthMode.OAuth2ClientCredentials,
                TokenEndpoint = new Uri(server.BaseAddress, "oauth2/token"),
                ClientId = "ngsiflow",
                ClientSecret = "secret",
                RefreshBeforeExpiry = TimeSpan.FromSeconds(60),
            },
        });
        await using var replier = new NgsiReplier(broker);

        await replier.UpdateAttributesAsync("mix1", "ConcreteMix", [Strength], null, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(100));
        await replier.UpdateAttributesAsync("mix1", "ConcreteMix", [Strength], null, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(150));
        await replier.UpdateAttributesAsync("mix1", "ConcreteMix", [Strength], null, CancellationToken.None);

        var writes = server.Requests.Where(r => r.Method == "PATCH").Select(r => r.Header("Authorization")).ToList();
        writes.ShouldBe(["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
        server.Requests.Count(r => r.Path == "/oauth2/token").ShouldBe(2);
    }

    [Fact]
    public async Task Porting_styles_blueprint_template_and_raw_send_what_they_say()
    {
        await using var server = await RecordingServer.StartAsync(_ => (204, null, null));
        using var broker = BrokerConnection.V2(server.BaseAddress);
        await using var replier = new NgsiReplier(broker);
        var blueprint = Path.Combine(Path.GetTempPath(), $"ngsiflow-blueprint-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(blueprint, """{"strength":{"type":"Number","value":%%TOREPLACE%%},"grade":{"type":"Text","value":"%%TOREPLACE%%"}}""");
        var target = ReplyRequest.Patch("/v2/entities/mix1/attrs") with { Fiware = new FiwareContext("plant", "/", null) };
        try
        {
            await replier.SendBlueprintAsync(blueprint, [41.5, "C30"], target, CancellationToken.None);
            await replier.SendTemplateAsync("""{"strength":{"value":%%TOREPLACE%%}}""", [12], target, CancellationToken.None);
            await replier.SendRawAsync("""{"strength":{"value":1}}""", ReplyRequest.Post("/v2/entities/mix1/attrs"), CancellationToken.None);
        }
        finally
        {
            File.Delete(blueprint);
        }

        server.Requests.Select(r => (r.Method, r.Body)).ShouldBe(
        [
            ("PATCH", """{"strength":{"type":"Number","value":41.5},"grade":{"type":"Text","value":"C30"}}"""),
            ("PATCH", """{"strength":{"value":12}}"""),
            ("POST", """{"strength":{"value":1}}"""),
        ]);
        server.Requests[0].Header("Fiware-Service").ShouldBe("plant");
        Should.Throw<ArgumentException>(() => replier.SendTemplateAsync("{\"a\":%%TOREPLACE%%}", [1, 2], target, CancellationToken.None)).Message.ShouldContain("1 placeholders");
        Should.Throw<ArgumentException>(() => replier.SendRawAsync("{\"a\":", target, CancellationToken.None)).Message.ShouldContain("not valid JSON");
    }

    private sealed class ListSink : IStreamSink<WriteBackFailure>
    {
        public List<WriteBackFailure> Items { get; } = [];

        public ValueTask WriteAsync(ReadOnlyMemory<WriteBackFailure> batch, CancellationToken cancellationToken)
        {
            Items.AddRange(batch.ToArray());
            return default;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => default;

        public ValueTask DisposeAsync() => default;
    }
}
