using NgsiFlow.Sinks.InfluxDb;
using NgsiFlow.Sinks.Tests.Infrastructure;
using NgsiFlow.Testing;

namespace NgsiFlow.Sinks.Tests.InfluxDb;

/// <summary>InfluxDB specifics against the real server: escaping and types survive a round trip; refusals are clear.</summary>
[Collection(InfluxDbCollection.Name)]
public sealed class InfluxDbSinkTests(InfluxDbFixture fixture)
{
    private readonly string _database = "d" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task WriteAsync_namesAndValuesWithSpecialCharacters_readBackUnchanged()
    {
        const string measurement = "weird m,easurement=x";
        const string tagValue = "v a,l=ue\\x";
        const string text = "say \"hi\", a\\b=c d";
        await using (var sink = CreateSink(createDatabase: true))
        {
            var point = new InfluxPoint(measurement).Tag("t a,g=", tagValue).Field("f i,e=ld", text).At(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
            await sink.WriteAsync(new[] { point }, CancellationToken.None);
        }

        var rows = await InfluxQuery.SelectAsync(fixture.Server.BaseAddress, _database, "SELECT * FROM \"weird m,easurement=x\"");
        rows.Count.ShouldBe(1);
        rows[0][0].GetInt64().ShouldBe(1_700_000_000_000_000_000);
        var columns = await ColumnsAsync("weird m,easurement=x");
        rows[0][columns.IndexOf("f i,e=ld")].GetString().ShouldBe(text);
        rows[0][columns.IndexOf("t a,g=")].GetString().ShouldBe(tagValue);
    }

    [Fact]
    public async Task WriteAsync_stringFieldWithLineBreaks_readsBackUnchanged()
    {
        const string text = "line one\nline \"two\"\r\nend\\";
        await using (var sink = CreateSink(createDatabase: true))
        {
            await sink.WriteAsync(new[] { new InfluxPoint("multiline").Field("s", text).Field("n", 1L).AtNanoseconds(10), new InfluxPoint("multiline").Field("s", "next").Field("n", 2L).AtNanoseconds(20) }, CancellationToken.None);
        }

        var rows = await InfluxQuery.SelectAsync(fixture.Server.BaseAddress, _database, "SELECT \"s\", \"n\" FROM \"multiline\"");
        rows.Select(r => r[1].GetString()).ShouldBe([text, "next"]);
        rows.Select(r => r[2].GetInt64()).ShouldBe([1L, 2L]);
    }

    [Fact]
    public async Task WriteAsync_everyFieldType_readsBackWithItsType()
    {
        await using (var sink = CreateSink(createDatabase: true))
        {
            await sink.WriteAsync(new[] { new InfluxPoint("types").Field("f", 0.1).Field("i", -9_007_199_254_740_993L).Field("s", "x").Field("b", false).AtNanoseconds(123) }, CancellationToken.None);
        }

        var rows = await InfluxQuery.SelectAsync(fixture.Server.BaseAddress, _database, "SELECT \"f\", \"i\", \"s\", \"b\" FROM \"types\"");
        rows[0][0].GetInt64().ShouldBe(123);
        rows[0][1].GetDouble().ShouldBe(0.1);
        rows[0][2].GetRawText().ShouldBe("-9007199254740993");
        rows[0][3].GetString().ShouldBe("x");
        rows[0][4].GetBoolean().ShouldBeFalse();
        var fieldTypes = await InfluxQuery.SelectAsync(fixture.Server.BaseAddress, _database, "SHOW FIELD KEYS FROM \"types\"");
        fieldTypes.Select(r => $"{r[0].GetString()}:{r[1].GetString()}").ShouldBe(["b:boolean", "f:float", "i:integer", "s:string"], ignoreOrder: true);
    }

    [Theory]
    [InlineData(InfluxPrecision.Seconds, 1_700_000_123_000_000_000L)]
    [InlineData(InfluxPrecision.Milliseconds, 1_700_000_123_456_000_000L)]
    [InlineData(InfluxPrecision.Microseconds, 1_700_000_123_456_789_000L)]
    public async Task WriteAsync_coarserPrecision_truncatesTimestampsToIt(InfluxPrecision precision, long expected)
    {
        await using (var sink = CreateSink(createDatabase: true, precision))
        {
            await sink.WriteAsync(new[] { new InfluxPoint("p").Field("v", 1L).AtNanoseconds(1_700_000_123_456_789_012) }, CancellationToken.None);
        }

        var rows = await InfluxQuery.SelectAsync(fixture.Server.BaseAddress, _database, "SELECT \"v\" FROM \"p\"");
        rows.Single()[0].GetInt64().ShouldBe(expected);
    }

    [Fact]
    public async Task WriteAsync_samePointTwice_lastWriteWins()
    {
        await using (var sink = CreateSink(createDatabase: true))
        {
            await sink.WriteAsync(new[] { new InfluxPoint("dup").Field("v", 1L).AtNanoseconds(5), new InfluxPoint("dup").Field("v", 2L).AtNanoseconds(5) }, CancellationToken.None);
        }

        var rows = await InfluxQuery.SelectAsync(fixture.Server.BaseAddress, _database, "SELECT \"v\" FROM \"dup\"");
        rows.Single()[1].GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task WriteAsync_fieldTypeConflict_failsForGoodNamingFieldAndMeasurement()
    {
        await using var sink = CreateSink(createDatabase: true);
        await sink.WriteAsync(new[] { new InfluxPoint("conflict").Field("v", 1.5) }, CancellationToken.None);

        var error = await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(new[] { new InfluxPoint("conflict").Field("v", "text") }, CancellationToken.None).AsTask());

        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("field type conflict");
        error.Message.ShouldContain("\"v\"");
        error.Message.ShouldContain("conflict");
        error.Target.ShouldContain(_database);
    }

    [Fact]
    public async Task WriteAsync_mapperThrows_failsNamingTheSinkAndTheEvent()
    {
        await using var sink = new InfluxDbSink<int>(new InfluxDbSinkOptions { ServerUri = fixture.Server.BaseAddress, Database = _database, Name = "mapper" }, i => new InfluxPoint(i == 2 ? string.Empty : "m").Field("v", i));

        var error = await Should.ThrowAsync<ArgumentException>(() => sink.WriteAsync(new[] { 1, 2 }, CancellationToken.None).AsTask());

        error.Message.ShouldContain("sink 'mapper'");
        error.Message.ShouldContain("event 1");
    }

    [Fact]
    public void Constructor_invalidOptions_listsEveryProblem()
    {
        var options = new InfluxDbSinkOptions { ServerUri = new Uri("ftp://x/"), Database = " ", MaxBatchSize = 0, Linger = TimeSpan.FromSeconds(-1) };

        var error = Should.Throw<ArgumentException>(() => new InfluxDbSink<InfluxPoint>(options, p => p));

        error.Message.ShouldContain("ServerUri must be an absolute http or https address");
        error.Message.ShouldContain("Database is required");
        error.Message.ShouldContain("MaxBatchSize must be at least 1 (was 0)");
        error.Message.ShouldContain("Linger must be between zero and one day");
    }

    private InfluxDbSink<InfluxPoint> CreateSink(bool createDatabase, InfluxPrecision precision = InfluxPrecision.Nanoseconds) =>
        new(new InfluxDbSinkOptions { ServerUri = fixture.Server.BaseAddress, Database = _database, CreateDatabase = createDatabase, Precision = precision }, p => p);

    private async Task<List<string>> ColumnsAsync(string measurement)
    {
        var uri = new Uri(fixture.Server.BaseAddress, $"query?db={_database}&q={Uri.EscapeDataString($"SELECT * FROM \"{measurement}\"")}");
        using var http = new HttpClient();
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(uri));
        return document.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
    }
}
