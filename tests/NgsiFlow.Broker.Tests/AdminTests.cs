using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace NgsiFlow.Broker.Tests;

/// <summary>Orion's management surface: GET/DELETE /statistics (0000_statistics_operation) and /admin/log gating the broker's logs.</summary>
public sealed class AdminTests
{
    [Fact]
    public async Task Statistics_withoutCounters_showsUptimeAndInterval_deleteResetsTheInterval()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };

        var statistics = await GetJsonAsync(http, "statistics");
        var sinceReset = System.Diagnostics.Stopwatch.StartNew();
        using var reset = await http.DeleteAsync("statistics");

        statistics.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ShouldBe(["measuring_interval_in_secs", "uptime_in_secs"]);
        statistics["uptime_in_secs"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(0);
        reset.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.Parse(await reset.Content.ReadAsStringAsync())!["message"]!.GetValue<string>().ShouldBe("All statistics counter reset");
        var interval = (await GetJsonAsync(http, "statistics"))["measuring_interval_in_secs"]!.GetValue<long>();
        interval.ShouldBeLessThanOrEqualTo((long)Math.Ceiling(sinceReset.Elapsed.TotalSeconds));
    }

    [Fact]
    public void Statistics_measuringInterval_countsFromTheLastReset_uptimeFromTheStart()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var statistics = new NgsiFlow.Broker.Internal.Api.BrokerStatistics(counters: false, time);
        time.Advance(TimeSpan.FromSeconds(90));
        statistics.Reset();
        time.Advance(TimeSpan.FromSeconds(7.5));

        var written = Written(statistics);

        written["uptime_in_secs"]!.GetValue<long>().ShouldBe(97);
        written["measuring_interval_in_secs"]!.GetValue<long>().ShouldBe(7);
    }

    private static JsonNode Written(NgsiFlow.Broker.Internal.Api.BrokerStatistics statistics)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            statistics.Write(writer);
        }

        return JsonNode.Parse(buffer.ToArray())!;
    }

    [Fact]
    public async Task Statistics_withCounters_countsEachResourceAndMethodAndPayloadKind_untilReset()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, StatisticsCounters = true });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        (await http.GetAsync("v2")).Dispose();
        (await http.PostAsync("v2/entities", Json("""{"id":"E","type":"T","A":{"value":1}}"""))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await http.GetAsync("v2/entities/E")).Dispose();
        (await http.PatchAsync("v2/entities/E/attrs", Json("""{"A":{"value":2}}"""))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await http.PutAsync("v2/entities/E/attrs/A/value", new StringContent("3", Encoding.UTF8, "text/plain"))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "v2/types"))).StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);

        var counters = (await GetJsonAsync(http, "statistics"))["counters"]!;

        counters["jsonRequests"]!.GetValue<long>().ShouldBe(2);
        counters["textRequests"]!.GetValue<long>().ShouldBe(1);
        counters["noPayloadRequests"]!.GetValue<long>().ShouldBe(4, "GET /v2, GET the entity, OPTIONS /v2/types and GET /statistics");
        var requests = counters["requests"]!;
        requests["/v2"]!["GET"]!.GetValue<long>().ShouldBe(1);
        requests["/v2/entities"]!["POST"]!.GetValue<long>().ShouldBe(1);
        requests["/v2/entities/{id}[/attrs]"]!["GET"]!.GetValue<long>().ShouldBe(1);
        requests["/v2/entities/{id}[/attrs]"]!["PATCH"]!.GetValue<long>().ShouldBe(1);
        requests["/v2/entities/{id}/attrs/{name}/value"]!["PUT"]!.GetValue<long>().ShouldBe(1);
        requests["/v2/types"]!["OPTIONS"]!.GetValue<long>().ShouldBe(1);
        requests["/statistics"]!["GET"]!.GetValue<long>().ShouldBe(1);

        (await http.DeleteAsync("statistics")).Dispose();
        var after = (await GetJsonAsync(http, "statistics"))["counters"]!;
        JsonNode.DeepEquals(after, JsonNode.Parse("""{"noPayloadRequests":1,"requests":{"/statistics":{"GET":1}}}""")).ShouldBeTrue(after.ToJsonString());
    }

    [Fact]
    public async Task AdminLogLevel_gatesTheBrokersLogs()
    {
        var logs = new CollectingLoggerFactory();
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, LoggerFactory = logs });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        int deadPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        (await http.PostAsync("v2/entities", Json("""{"id":"E","type":"T","A":{"value":0}}"""))).Dispose();
        (await http.PostAsync("v2/subscriptions", Json("""{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"http://127.0.0.1:PORT/notify"}}}""".Replace("PORT", deadPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)))).StatusCode.ShouldBe(HttpStatusCode.Created);

        async Task<int> FailOnceAsync(int value)
        {
            var before = broker.NotificationsFailed;
            (await http.PatchAsync("v2/entities/E/attrs", Json("""{"A":{"value":N}}""".Replace("N", value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (broker.NotificationsFailed == before && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            broker.NotificationsFailed.ShouldBeGreaterThan(before);
            return logs.Count(LogLevel.Information);
        }

        var atDebug = await FailOnceAsync(1);
        (await http.PutAsync("admin/log?level=WARN", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var atWarn = await FailOnceAsync(2);
        (await http.PutAsync("admin/log?level=info", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var atInfo = await FailOnceAsync(3);

        atDebug.ShouldBe(1, "a failed notification is logged at Information");
        atWarn.ShouldBe(1, "WARN drops Information");
        atInfo.ShouldBe(2);
        (await GetJsonAsync(http, "admin/log"))["level"]!.GetValue<string>().ShouldBe("INFO");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Records what the broker logs, by level.</summary>
    private sealed class CollectingLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly ConcurrentQueue<LogLevel> _levels = new();

        public int Count(LogLevel level) => _levels.Count(l => l == level);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _levels.Enqueue(logLevel);

        public void Dispose()
        {
        }
    }
}
