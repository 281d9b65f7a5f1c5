using System.Text.Json;
using NgsiFlow.Engine.Records;
using Record = NgsiFlow.Engine.Records.Record;

namespace NgsiFlow.Engine.Tests.Records;

public sealed class RecordTests
{
    [Fact]
    public void FromJson_deviceJson_keepsOrderAndTypes()
    {
        using var json = JsonDocument.Parse("""{"uuid":"d1","cputemp":51,"memory":37.5,"ok":true,"none":null,"env":{"t":"23.97"},"xs":[1,"a"]}""");

        var record = Record.FromJson(json.RootElement);

        record.Names.ShouldBe(["uuid", "cputemp", "memory", "ok", "none", "env", "xs"]);
        record["cputemp"].ShouldBe(51L);
        record["memory"].ShouldBe(37.5);
        record["ok"].ShouldBe(true);
        record.Contains("none").ShouldBeTrue();
        record["none"].ShouldBeNull();
        ((Record)record["env"]!)["t"].ShouldBe("23.97");
        ((IReadOnlyList<object?>)record["xs"]!).ShouldBe([1L, "a"]);
        record.ToJson().ShouldBe("""{"uuid":"d1","cputemp":51,"memory":37.5,"ok":true,"none":null,"env":{"t":"23.97"},"xs":[1,"a"]}""");
    }

    [Fact]
    public void Indexer_otherClrTypes_areStoredCanonically_andUnsupportedOnesNameTheField()
    {
        var record = new Record { ["i"] = 3, ["f"] = 1.5f, ["t"] = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc) };

        record["i"].ShouldBe(3L);
        record["f"].ShouldBe(1.5);
        record["t"].ShouldBe(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
        Should.Throw<ArgumentException>(() => record["bad"] = new Uri("http://x")).Message.ShouldContain("field 'bad'");
    }

    [Fact]
    public void Insert_existingName_movesIt()
    {
        var record = new Record { ["a"] = 1, ["b"] = 2, ["c"] = 3 };

        record.Insert(0, "c", 30);

        record.Names.ShouldBe(["c", "a", "b"]);
        record["c"].ShouldBe(30L);
    }

    [Fact]
    public void FromJson_notAnObject_isRefused() =>
        Should.Throw<ArgumentException>(() => Record.FromJson(JsonDocument.Parse("[1]").RootElement)).Message.ShouldContain("not array");
}
