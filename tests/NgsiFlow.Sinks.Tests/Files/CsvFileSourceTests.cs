using NgsiFlow.Engine;
using NgsiFlow.Sinks.Files;

namespace NgsiFlow.Sinks.Tests.Files;

public sealed class CsvFileSourceTests
{
    private sealed record Hit(int Head, int Fpga, int Channel, long Orbit, int Bx, double Meas);

    private static Hit MapHit(CsvRecord r) =>
        new(r.GetInt32("HEAD"), r.GetInt32("FPGA"), r.GetInt32("TDC_CHANNEL"), r.GetInt64("ORBIT_CNT"), r.GetInt32("BX_COUNTER"), r.GetDouble("TDC_MEAS"));

    [Fact]
    public async Task ReadAsync_headerAndRows_mapsRowsByColumnNameWithLinePositions()
    {
        using var file = new TempFile("HEAD,FPGA,TDC_CHANNEL,ORBIT_CNT,BX_COUNTER,TDC_MEAS\n2,0,63,3387315344,2975,4\n\n2,1,139,3387315344,2975,25.5\r\n");
        var source = new CsvFileSource<Hit>(file.Path, MapHit);

        var items = await ReadAllAsync(source);

        items.ShouldBe([new SourceItem<Hit>(new Hit(2, 0, 63, 3387315344, 2975, 4), 2), new SourceItem<Hit>(new Hit(2, 1, 139, 3387315344, 2975, 25.5), 4)]);
    }

    [Fact]
    public async Task ReadAsync_quotedFields_keepDelimitersDoubledQuotesAndLineBreaks()
    {
        using var file = new TempFile("name,note\n\"a,b\",\"say \"\"hi\"\"\"\n\"multi\nline\",x\nlast,\"\"\n");
        var source = new CsvFileSource<(string, string)>(file.Path, r => (r[0], r["note"]));

        var items = await ReadAllAsync(source);

        items.Select(i => i.Value).ShouldBe([("a,b", "say \"hi\""), ("multi\nline", "x"), ("last", string.Empty)]);
        items.Select(i => i.Position).ShouldBe([2L, 3L, 5L]);
    }

    [Fact]
    public async Task ReadAsync_valueThatIsNotANumber_stopsNamingFileLineColumnAndField()
    {
        using var file = new TempFile("HEAD,FPGA,TDC_CHANNEL,ORBIT_CNT,BX_COUNTER,TDC_MEAS\n2,0,63,1,2,3\n2,0,sixty,1,2,3\n");
        var source = new CsvFileSource<Hit>(file.Path, MapHit);

        var error = await Should.ThrowAsync<FileSourceException>(() => ReadAllAsync(source));

        error.FilePath.ShouldBe(file.Path);
        error.Line.ShouldBe(3);
        error.Column.ShouldBe(5);
        error.Message.ShouldContain($"{file.Path}, line 3, column 5");
        error.Message.ShouldContain("field 3 ('TDC_CHANNEL')");
        error.Message.ShouldContain("'sixty' is not a 32-bit integer");
    }

    [Fact]
    public async Task ReadAsync_rowWithTooFewFields_stopsSayingHowManyWereExpected()
    {
        using var file = new TempFile("a,b,c\n1,2,3\n4,5\n");
        var source = new CsvFileSource<string>(file.Path, r => r[0]);

        var error = await Should.ThrowAsync<FileSourceException>(() => ReadAllAsync(source));

        error.Line.ShouldBe(3);
        error.Message.ShouldContain("the row has 2 field(s); expected 3 as in the header");
    }

    [Fact]
    public async Task ReadAsync_unclosedQuote_stopsPointingAtTheOpeningQuote()
    {
        using var file = new TempFile("a,b\n1,\"never closed\n2,3\n");
        var source = new CsvFileSource<string>(file.Path, r => r[0]);

        var error = await Should.ThrowAsync<FileSourceException>(() => ReadAllAsync(source));

        (error.Line, error.Column).ShouldBe((2L, 3));
        error.Message.ShouldContain("never closed");
    }

    [Fact]
    public async Task ReadAsync_textAfterClosingQuote_stopsPointingAtIt()
    {
        using var file = new TempFile("a,b\n\"x\"y,2\n");
        var source = new CsvFileSource<string>(file.Path, r => r[0]);

        var error = await Should.ThrowAsync<FileSourceException>(() => ReadAllAsync(source));

        (error.Line, error.Column).ShouldBe((2L, 4));
    }

    [Fact]
    public async Task ReadAsync_badRowsWithReject_skipsThemAndRecordsWhy()
    {
        using var file = new TempFile("v\n1\nx\n3\n");
        var source = new CsvFileSource<int>(file.Path, r => r.GetInt32(0), new CsvFileSourceOptions { OnBadRecord = BadRecordHandling.Reject });

        var items = await ReadAllAsync(source);

        items.Select(i => i.Value).ShouldBe([1, 3]);
        source.Rejections.Single().Line.ShouldBe(3);
        source.Rejections.Single().Reason.ShouldContain("'x' is not a 32-bit integer");
    }

    [Fact]
    public async Task AcknowledgeAsync_outOfOrder_advancesCheckpointOnlyPastSettledLines()
    {
        using var file = new TempFile("v\n1\n2\n3\n4\n");
        var source = new CsvFileSource<int>(file.Path, r => r.GetInt32(0));
        var items = await ReadAllAsync(source);
        source.Checkpoint.ShouldBe(1);

        await source.AcknowledgeAsync(3, CancellationToken.None);
        source.Checkpoint.ShouldBe(1);
        await source.AcknowledgeAsync(2, CancellationToken.None);
        source.Checkpoint.ShouldBe(3);
        await source.RejectAsync(4, new InvalidOperationException("model failed"), CancellationToken.None);
        source.Checkpoint.ShouldBe(4);
        await source.AcknowledgeAsync(5, CancellationToken.None);
        source.Checkpoint.ShouldBe(5);
        source.Rejections.ShouldBe([new SourceRejection(4, "model failed")]);
        items.Count.ShouldBe(4);
        Should.Throw<ArgumentException>(() => source.AcknowledgeAsync(5, CancellationToken.None).AsTask()).Message.ShouldContain("line 5");
    }

    [Fact]
    public async Task ReadAsync_startAfterCheckpoint_resumesWithTheNextRecord()
    {
        using var file = new TempFile("v\n1\n2\n3\n");
        var source = new CsvFileSource<int>(file.Path, r => r.GetInt32(0), new CsvFileSourceOptions { StartAfterLine = 3 });

        (await ReadAllAsync(source)).ShouldBe([new SourceItem<int>(3, 4)]);
    }

    [Fact]
    public async Task ReadAsync_noHeaderAndSemicolons_readsByIndex()
    {
        using var file = new TempFile("1;2.5\n3;4e2\n");
        var source = new CsvFileSource<double>(file.Path, r => r.GetInt32(0) + r.GetDouble(1), new CsvFileSourceOptions { HasHeader = false, Delimiter = ';' });

        (await ReadAllAsync(source)).Select(i => i.Value).ShouldBe([3.5, 403.0]);
    }

    [Fact]
    public void Constructor_invalidOptions_listsEveryProblem()
    {
        var error = Should.Throw<ArgumentException>(() => new CsvFileSource<int>("x.csv", _ => 0, new CsvFileSourceOptions { Delimiter = '"', StartAfterLine = -1 }));

        error.Message.ShouldContain("Delimiter must not be a quote");
        error.Message.ShouldContain("StartAfterLine must not be negative");
    }

    internal static async Task<List<SourceItem<T>>> ReadAllAsync<T>(IStreamSource<T> source)
    {
        var items = new List<SourceItem<T>>();
        await foreach (var item in source.ReadAsync(CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }
}
