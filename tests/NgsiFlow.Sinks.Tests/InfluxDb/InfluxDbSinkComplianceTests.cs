using System.Globalization;
using System.Text.Json;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.InfluxDb;
using NgsiFlow.Sinks.Tests.Compliance;
using NgsiFlow.Sinks.Tests.Infrastructure;
using NgsiFlow.Testing;

namespace NgsiFlow.Sinks.Tests.InfluxDb;

[Collection(InfluxDbCollection.Name)]
public sealed class InfluxDbSinkComplianceTests(InfluxDbFixture fixture) : SinkComplianceTests
{
    private const string Database = "compliance";

    protected override int ServerPort => fixture.Server.Port;

    protected override string ExpectedSinkType => "InfluxDB";

    protected override string MisconfiguredTarget => "no_such_database";

    protected override string MisconfiguredCause => "database not found";

    protected override Task PrepareScopeAsync() => InfluxQuery.ExecuteAsync(fixture.Server.BaseAddress, $"CREATE DATABASE {Database}");

    protected override IStreamSink<SinkEvent> CreateSink(SinkTestSettings settings, int proxyPort) =>
        new InfluxDbSink<SinkEvent>(
            settings.Apply(new InfluxDbSinkOptions { ServerUri = new Uri($"http://127.0.0.1:{proxyPort}/"), Database = Database, RequestTimeout = TimeSpan.FromSeconds(20) }),
            e => new InfluxPoint(Scope).Tag("key", e.Key).Field("seq", (long)e.Sequence).Field("value", e.Value).At(e.Time));

    protected override IStreamSink<SinkEvent> CreateMisconfiguredSink(SinkTestSettings settings) =>
        new InfluxDbSink<SinkEvent>(
            settings.Apply(new InfluxDbSinkOptions { ServerUri = fixture.Server.BaseAddress, Database = "no_such_database" }),
            e => new InfluxPoint(Scope).Field("value", e.Value));

    protected override async Task<IReadOnlyList<SinkEvent>> ReadBackAsync()
    {
        var rows = await InfluxQuery.SelectAsync(fixture.Server.BaseAddress, Database, $"SELECT \"seq\", \"key\", \"value\" FROM \"{Scope}\"");
        return rows.Select(r => new SinkEvent(r[1].GetInt32(), r[2].GetString()!, r[3].GetDouble())).ToList();
    }
}

/// <summary>Reads InfluxDB directly through its /query endpoint.</summary>
internal static class InfluxQuery
{
    private static readonly HttpClient Http = new();

    public static async Task ExecuteAsync(Uri server, string statement)
    {
        using var content = new FormUrlEncodedContent([new("q", statement)]);
        using var response = await Http.PostAsync(new Uri(server, "query"), content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The rows of the first series (time first), oldest first; empty when the measurement has none.</summary>
    public static async Task<List<JsonElement[]>> SelectAsync(Uri server, string database, string query)
    {
        var uri = new Uri(server, $"query?db={Uri.EscapeDataString(database)}&epoch=ns&q={Uri.EscapeDataString(query)}");
        using var document = JsonDocument.Parse(await Http.GetStringAsync(uri));
        var result = document.RootElement.GetProperty("results")[0];
        if (result.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException(error.GetString());
        }

        if (!result.TryGetProperty("series", out var series))
        {
            return [];
        }

        return series[0].GetProperty("values").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.Clone()).ToArray()).ToList();
    }

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
