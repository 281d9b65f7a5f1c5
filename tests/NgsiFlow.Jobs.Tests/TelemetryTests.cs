using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;
using NgsiFlow.Telemetry;
using NgsiFlow.Testing;
using OpenTelemetry.Trace;

namespace NgsiFlow.Jobs.Tests;

/// <summary>Alone, so that the process-wide meters count only this test's traffic.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}

/// <summary>A job file run with OpenTelemetry on: its counters scraped at /metrics, and one trace per update.</summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class TelemetryTests
{
    private const int Entities = 12;
    private static readonly string[] Inputs = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age", "strength"];

    [Fact]
    public async Task Running_job_serves_its_counters_at_metrics_and_traces_each_update_from_receiver_to_write_back()
    {
        var spans = new List<Activity>();
        using var telemetry = NgsiFlowTelemetry.Start(new NgsiFlowTelemetryOptions
        {
            ServiceName = "telemetry-test",
            Otlp = false,
            ConfigureTracing = t => t.AddInMemoryExporter(spans),
        });
        var text = (await File.ReadAllTextAsync(TestPaths.InRepository("samples", "jobs", "concrete-strength.yaml")))
            .Replace("url: http://localhost:1026", "url: embedded", StringComparison.Ordinal);
        using var plan = JobPlan.Resolve(JobFile.Parse(text, "concrete.yaml", TestPaths.InRepository("samples", "jobs")));
        await using var runner = await JobRunner.StartAsync(plan, new JobRunnerOptions
        {
            EmbeddedBrokerPort = 0,
            ReceiverPort = 0,
            OtherRequests = telemetry.Endpoint(null),
            BrokerMiddleware = telemetry.Endpoint,
        });
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = runner.BrokerAddress, Fiware = new FiwareContext("tutorial", "/pyspark", null) });
        for (var i = 1; i <= Entities; i++)
        {
            await client.UpsertEntityAsync(new NgsiV2Entity($"Concrete{i}", "Material", new NgsiV2AttributeCollection(
                Inputs.Select(n => new NgsiV2Attribute(n, NgsiValue.FromNumber(n == "age" ? 28 : 100 + i), "Number")))));
        }

        await Until(() => runner.WriteBacks.Confirmed == Entities, "every prediction written back");

        using var http = new HttpClient();
        var receiverMetrics = await http.GetStringAsync(new Uri(runner.NotifyUrl, "/metrics"));
        var brokerMetrics = await http.GetStringAsync(new Uri(runner.BrokerAddress, "metrics"));
        Value(receiverMetrics, "ngsiflow_connector_events_total").ShouldBe(Entities);
        Value(receiverMetrics, "ngsiflow_connector_notifications_accepted_total").ShouldBe(Entities);
        Value(receiverMetrics, "ngsiflow_connector_writebacks_ok_total").ShouldBe(Entities);
        Value(brokerMetrics, "ngsiflow_broker_notifications_sent_total").ShouldBe(Entities);
        using var missing = await http.GetAsync(new Uri(runner.NotifyUrl, "/nothing"));
        missing.StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        (await missing.Content.ReadAsStringAsync()).ShouldContain("\"error\":\"NotFound\"");
        using var ready = await http.GetAsync(new Uri(runner.NotifyUrl, "/health/ready"));
        ready.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("\"subscription\":{\"status\":\"Healthy\"");

        // Spans end after the write-back's answer; give the last ones a moment to be exported.
        telemetry.TracerProvider!.ForceFlush();
        await Until(() => { lock (spans) { return spans.Count(s => s.DisplayName == "write-back") >= Entities; } }, "a write-back span per update");
        List<Activity> all;
        lock (spans)
        {
            all = [.. spans];
        }

        var receives = all.Where(s => s.DisplayName == "receive notification").ToList();
        receives.Count.ShouldBe(Entities);
        foreach (var receive in receives)
        {
            var trace = all.Where(s => s.TraceId == receive.TraceId).ToList();
            var job = trace.Where(s => s.DisplayName == "job concrete-strength").ShouldHaveSingleItem();
            job.ParentSpanId.ShouldBe(receive.SpanId);
            var writeBack = trace.Single(s => s.DisplayName == "write-back");
            writeBack.Kind.ShouldBe(ActivityKind.Client);
            Ancestors(writeBack, trace).ShouldContain(job);
            receive.GetTagItem("fiware.correlator").ShouldNotBeNull();

            // The embedded broker's notify span, whose traceparent the receiver continued, is the trace's root.
            var notify = trace.Where(s => s.SpanId == receive.ParentSpanId).ShouldHaveSingleItem();
            notify.DisplayName.ShouldBe("notify");
            notify.Source.Name.ShouldBe("NgsiFlow.Broker");
        }
    }

    private static IEnumerable<Activity> Ancestors(Activity span, List<Activity> trace)
    {
        for (var parent = trace.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null; parent = trace.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
        {
            yield return parent;
        }
    }

    /// <summary>The sum of a counter's series in a Prometheus text scrape.</summary>
    private static double Value(string scrape, string name)
    {
        var values = scrape.Split('\n')
            .Select(l => SeriesLine().Match(l))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))
            .ToList();
        values.ShouldNotBeEmpty($"no series '{name}' in:\n{scrape}");
        return values.Sum();
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }

            await Task.Delay(20);
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(?<value>[-+0-9.eE]+|NaN)(\s+\d+)?$")]
    private static partial Regex SeriesLine();
}
