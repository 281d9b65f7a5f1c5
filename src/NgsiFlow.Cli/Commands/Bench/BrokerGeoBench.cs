using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NgsiFlow.Broker;
using NgsiFlow.Broker.Internal.Store;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>bench broker --geo</c>: the embedded broker holding N entities with a <c>geo:point</c> spread over a 100 km square,
/// answering <c>georel=near;maxDistance:1000</c> queries at random points: latency with the quadtree index, then with
/// the index off (every located entity tested), on the same broker and the same queries.
/// </summary>
internal static class BrokerGeoBench
{
    public static async Task RunAsync(int entities, int seconds, TextWriter output, CancellationToken cancellationToken)
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        var random = new Random(20261203);
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < entities; start += 1000)
        {
            var body = new StringBuilder("{\"actionType\":\"append\",\"entities\":[");
            for (var i = start; i < Math.Min(entities, start + 1000); i++)
            {
                var (lat, lon) = RandomPoint(random);
                body.Append(CultureInfo.InvariantCulture, $"{(i == start ? string.Empty : ",")}{{\"id\":\"S{i}\",\"type\":\"Sensor\",\"location\":{{\"type\":\"geo:point\",\"value\":\"{lat:F6}, {lon:F6}\"}}}}");
            }

            using var content = new StringContent(body.Append("]}").ToString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("v2/op/update", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }

        await output.WriteLineAsync($"bench broker --geo: {entities:N0} located entities loaded in {clock.Elapsed.TotalSeconds:0.0} s; near queries (maxDistance 1 km) for {seconds} s each").ConfigureAwait(false);
        var queries = Enumerable.Range(0, 10_000).Select(_ => RandomPoint(random)).ToArray();
        var indexed = await MeasureAsync(http, queries, seconds, cancellationToken).ConfigureAwait(false);
        TenantIndex.UseGeoIndex = false;
        (double P50, double P99, int Count, double Matches) linear;
        try
        {
            linear = await MeasureAsync(http, queries, seconds, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TenantIndex.UseGeoIndex = true;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  quadtree index  p50 {indexed.P50:0.00} ms  p99 {indexed.P99:0.00} ms  ({indexed.Count} queries, {indexed.Matches:0.0} matches each)")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  linear scan     p50 {linear.P50:0.00} ms  p99 {linear.P99:0.00} ms  ({linear.Count} queries, {linear.Matches:0.0} matches each)")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  index / scan p50 ratio {indexed.P50 / linear.P50:0.000} ({linear.P50 / indexed.P50:0.0}x faster)")).ConfigureAwait(false);
        await output.WriteLineAsync(JsonSerializer.Serialize(new { bench = "broker-geo", entities, indexP50Ms = indexed.P50, indexP99Ms = indexed.P99, scanP50Ms = linear.P50, scanP99Ms = linear.P99 })).ConfigureAwait(false);
    }

    private static (double Lat, double Lon) RandomPoint(Random random) => (40.0 + (random.NextDouble() * 0.9), -4.2 + (random.NextDouble() * 1.2));

    private static async Task<(double P50, double P99, int Count, double Matches)> MeasureAsync(HttpClient http, (double Lat, double Lon)[] points, int seconds, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        long matches = 0;
        var until = Stopwatch.StartNew();
        for (var i = 0; until.Elapsed < TimeSpan.FromSeconds(seconds) || latencies.Count < 20; i++)
        {
            var (lat, lon) = points[i % points.Length];
            var path = string.Create(CultureInfo.InvariantCulture, $"v2/entities?georel=near;maxDistance:1000&geometry=point&coords={lat:F6},{lon:F6}&attrs=__none&limit=1000");
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            response.EnsureSuccessStatusCode();
            using var doc = JsonDocument.Parse(text);
            matches += doc.RootElement.GetArrayLength();
        }

        latencies.Sort();
        return (latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], latencies.Count, matches / (double)latencies.Count);
    }
}
