using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NgsiFlow.Sinks.Files;

namespace NgsiFlow.Sinks.Tests.Files;

public sealed class JsonLinesFileSourceTests
{
    public sealed record Reading(string Machine, double Temperature);

    private static readonly JsonTypeInfo<Reading> ReadingInfo = (JsonTypeInfo<Reading>)JsonSerializerOptions.Web.GetTypeInfo(typeof(Reading));

    [Fact]
    public async Task ReadAsync_lines_deserializesEachWithLinePositionsSkippingBlankLines()
    {
        using var file = new TempFile("{\"machine\":\"m1\",\"temperature\":70.5}\n\n{\"machine\":\"m2\",\"temperature\":-3}\n", ".jsonl");
        var source = new JsonLinesFileSource<Reading>(file.Path, ReadingInfo);

        var items = await CsvFileSourceTests.ReadAllAsync(source);

        items.Select(i => (i.Value, i.Position)).ShouldBe([(new Reading("m1", 70.5), 1L), (new Reading("m2", -3), 3L)]);
    }

    [Fact]
    public async Task ReadAsync_invalidJson_stopsNamingFileLineAndCharacterColumn()
    {
        using var file = new TempFile("{\"machine\":\"m1\",\"temperature\":1}\n{\"machine\":\"élan\",\"temperature\":oops}\n", ".jsonl");
        var source = new JsonLinesFileSource<Reading>(file.Path, ReadingInfo);

        var error = await Should.ThrowAsync<FileSourceException>(() => CsvFileSourceTests.ReadAllAsync(source));

        error.Line.ShouldBe(2);
        // "oops" starts at character 33 of the line, byte 34: "é" is one character but two UTF-8 bytes.
        error.Column.ShouldBe(33);
        error.Message.ShouldContain($"{file.Path}, line 2, column 33");
    }

    [Fact]
    public async Task ReadAsync_wrongTypeWithReject_skipsTheLineAndRecordsWhy()
    {
        using var file = new TempFile("{\"machine\":\"m1\",\"temperature\":\"hot\"}\nnull\n{\"machine\":\"m3\",\"temperature\":1}\n", ".jsonl");
        var source = new JsonLinesFileSource<Reading>(file.Path, ReadingInfo, new FileSourceOptions { OnBadRecord = BadRecordHandling.Reject });

        var items = await CsvFileSourceTests.ReadAllAsync(source);

        items.Single().Value.Machine.ShouldBe("m3");
        source.Rejections.Select(r => r.Line).ShouldBe([1L, 2L]);
        source.Rejections[0].Reason.ShouldContain("temperature");
        source.Rejections[1].Reason.ShouldContain("JSON null");
        source.Checkpoint.ShouldBe(2);
        await source.AcknowledgeAsync(3, CancellationToken.None);
        source.Checkpoint.ShouldBe(3);
    }
}
