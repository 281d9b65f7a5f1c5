using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NgsiFlow.Engine;

namespace NgsiFlow.Connector.Tests;

/// <summary><c>POST /ingest/{route}</c>: device JSON in any of its three shapes, and each bad input's 400 with the place.</summary>
public sealed class IngestTests : IAsyncDisposable
{
    private const string Device = """{"uuid":"d-1","systemtime":"12/04/2026 10:00:00","cputemp":51.2,"bme680_tempc":"23.97","lsm303d_accelerometer":"+00.08g : -01.01g : +00.09g","env":{"h":40}}""";

    private readonly List<IngestedRecord> _records = [];
    private StreamJob? _job;
    private NgsiReceiver? _receiver;
    private HttpClient? _http;

    [Fact]
    public async Task Post_oneObject_isOneRecordWithTheRouteAndReceivingTime_answered200WithTheCount()
    {
        var route = await StartAsync();

        using var response = await PostAsync("/ingest/sensors", Device);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":1}""");
        var record = (await RecordsAsync(1)).Single();
        record.Record.ToJson().ShouldBe(Device);
        record.Context.Route.ShouldBe("sensors");
        record.Context.ReceivedAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
        route.GetStatistics().Events.ShouldBe(1);
        route.Url.ShouldBe(new Uri(_receiver!.BaseAddress, "ingest/sensors"));
    }

    [Fact]
    public async Task Post_arrayAndJsonLines_areOneRecordEachInOrder()
    {
        await StartAsync();

        using var array = await PostAsync("/ingest/sensors", """[{"n":1},{"n":2},{"n":3}]""");
        using var lines = await PostAsync("/ingest/sensors", "{\"n\":4}\n{\"n\":5}\r\n\n{\"n\":6}\n", "application/x-ndjson");

        array.StatusCode.ShouldBe(HttpStatusCode.OK);
        lines.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await lines.Content.ReadAsStringAsync()).ShouldBe("""{"accepted":3}""");
        (await RecordsAsync(6)).Select(r => r.Record["n"]).ShouldBe([1L, 2L, 3L, 4L, 5L, 6L]);
    }

    [Theory]
    [InlineData("", "empty body: send a JSON object, an array of objects or JSON lines")]
    [InlineData("42", "$: expected a JSON object, an array of objects or JSON lines of objects, found a number")]
    [InlineData("""[{"a":1},7]""", "$[1]: expected a JSON object (a record), found a number")]
    [InlineData("""{"a":1,"a":2}""", "$.a: duplicate key 'a'")]
    [InlineData("""{"a":{"b":1,"b":2}}""", "$.a.b: duplicate key 'b'")]
    [InlineData("""{"a":1e400}""", "$.a: the number 1e400 is out of range")]
    [InlineData("""{"":1}""", "$['']: a field name cannot be empty")]
    [InlineData("{\"n\":1}\n{\"n\":2}\n{\"n\":2,\"n\":3}\n", "line 3 (record 3): $.n: duplicate key 'n'")]
    [InlineData("{\"n\":1}\n[1]\n", "line 2 (record 2): $: expected a JSON object, an array of objects or JSON lines of objects, found an array")]
    [InlineData("""[{"a":1}] {"b":2}""", "$: an array of records is the whole body; found more after its ']'")]
    [InlineData("""{"a":tru}""", "not valid JSON at line 1, byte 9: 'tru}' is an invalid JSON literal")]
    [InlineData("""{"a":1""", "not valid JSON at line 1")]
    public async Task Post_badBody_is400NamingWhatAndWhere_andTakesNothing(string body, string description)
    {
        var route = await StartAsync();

        using var response = await PostAsync("/ingest/sensors", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = await ErrorAsync(response);
        error.Error.ShouldBe("BadRequest");
        error.Description.ShouldStartWith(description);
        route.GetStatistics().Count(RejectReason.BadRequest).ShouldBe(1);
        await AssertStillWorksAsync();
        _records.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Post_invalidUtf8InAValueOrAName_is400()
    {
        await StartAsync();

        byte[] Bytes(string before, byte bad, string after) => [.. Encoding.ASCII.GetBytes(before), bad, .. Encoding.ASCII.GetBytes(after)];
        foreach (var (raw, description) in new[] { (Bytes("{\"a\":\"x", 0xFF, "\"}"), "$.a: the text is not valid UTF-8"), (Bytes("{\"b", 0xC3, "(\":1}"), "$: the text is not valid UTF-8") })
        {
            using var response = await PostRawAsync("/ingest/sensors", raw);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await ErrorAsync(response)).Description.ShouldStartWith(description);
        }

        await AssertStillWorksAsync();
    }

    [Fact]
    public async Task Post_nestedTooDeep_is400_evenFarBeyondTheReadersLimit()
    {
        await StartAsync();

        using var deep = await PostAsync("/ingest/sensors", string.Concat(Enumerable.Repeat("{\"a\":", 65)) + "1" + new string('}', 65));
        using var deeper = await PostAsync("/ingest/sensors", string.Concat(Enumerable.Repeat("[", 5000)));

        (await ErrorAsync(deep)).Description.ShouldEndWith("nested deeper than 64 levels");
        deeper.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await AssertStillWorksAsync();
    }

    [Fact]
    public async Task Post_unknownRouteWrongMethodTypeSizeOrCredentials_getTheirAnswers()
    {
        await StartAsync(new ReceiverOptions { MaxBodyBytes = 2048, BearerToken = "t0ken" });
        _http!.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t0ken");

        using var unknown = await PostAsync("/ingest/other", Device);
        using var get = await _http.GetAsync("/ingest/sensors");
        using var text = await PostAsync("/ingest/sensors", Device, "text/plain");
        using var large = await PostAsync("/ingest/sensors", "[" + string.Join(",", Enumerable.Repeat(Device, 20)) + "]");
        _http.DefaultRequestHeaders.Authorization = null;
        using var anonymous = await PostAsync("/ingest/sensors", Device);

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ErrorAsync(unknown)).Description.ShouldBe("no ingest route named 'other'; the routes are: sensors");
        get.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        text.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        large.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        _records.ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_jobInputFull_holdsThen503_andTakesNoneOfTheRecords()
    {
        await StartAsync(new ReceiverOptions { HoldTimeout = TimeSpan.FromMilliseconds(200) }, capacity: 2, start: false);

        using var first = await PostAsync("/ingest/sensors", """[{"n":1},{"n":2}]""");
        using var second = await PostAsync("/ingest/sensors", """[{"n":3}]""");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        second.Headers.RetryAfter.ShouldNotBeNull();
        _job!.Start();
        (await RecordsAsync(2)).Select(r => r.Record["n"]).ShouldBe([1L, 2L]);
    }

    [Fact]
    public void Options_ingestPathInsideTheNotifyPath_isRefused() =>
        Should.Throw<ArgumentException>(() => new ReceiverOptions { IngestPath = "/notify/x" }.Validate()).Message.ShouldContain("must lie outside the NotifyPath");

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        if (_job is not null)
        {
            await _job.DisposeAsync();
        }
    }

    private async Task<IngestRoute> StartAsync(ReceiverOptions? options = null, int capacity = 1024, bool start = true)
    {
        options ??= new ReceiverOptions();
        options.Port = 0;
        _job = new StreamJob("edge");
        var input = _job.Input<IngestedRecord>(capacity);
        input.ForEachAsync((r, _) =>
        {
            lock (_records)
            {
                _records.Add(r);
            }

            return ValueTask.CompletedTask;
        });
        _receiver = await NgsiReceiver.StartAsync(options, CancellationToken.None);
        var route = _receiver.AddIngest("sensors", new RecordInputTarget(input));
        _http = new HttpClient { BaseAddress = _receiver.BaseAddress };
        if (start)
        {
            _job.Start();
        }

        return route;
    }

    private async Task<IReadOnlyList<IngestedRecord>> RecordsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            lock (_records)
            {
                if (_records.Count >= count || DateTime.UtcNow > deadline)
                {
                    return [.. _records];
                }
            }

            await Task.Delay(10);
        }
    }

    private async Task AssertStillWorksAsync()
    {
        using var ok = await PostAsync("/ingest/sensors", """{"after":true}""");
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RecordsAsync(1)).Count.ShouldBe(1);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json") =>
        PostRawAsync(path, Encoding.UTF8.GetBytes(body), contentType);

    private Task<HttpResponseMessage> PostRawAsync(string path, byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return _http!.PostAsync(path, content);
    }

    private static async Task<(string Error, string Description)> ErrorAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("error").GetString()!, json.RootElement.GetProperty("description").GetString()!);
    }
}
