using System.Text.Json;
using NgsiFlow.Engine.Records;
using NgsiFlow.Ngsi;
using Record = NgsiFlow.Engine.Records.Record;

namespace NgsiFlow.Connector.Tests;

public sealed class RecordEntityMapTests
{
    private static Record Json(string json) => Record.FromJson(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void TryMap_deviceRecord_idAndTypeFromTemplates_attributesTypedFromValues()
    {
        var map = new RecordEntityMap("urn:ngsi-ld:Device:${uuid}", "Device") { Exclude = ["uuid"] };
        var record = Json("""{"uuid":"d-1","cputemp":51.5,"count":3,"ok":true,"name":"pi","env":{"h":40},"none":null}""");
        record["seen"] = new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

        map.TryMap(record, out var entity, out var error).ShouldBeTrue(error);

        entity.Id.ShouldBe("urn:ngsi-ld:Device:d-1");
        entity.Type.ShouldBe("Device");
        entity.Attributes.Select(a => (a.Name, a.Type)).ShouldBe([("cputemp", "Number"), ("count", "Number"), ("ok", "Boolean"), ("name", "Text"), ("env", "StructuredValue"), ("none", "None"), ("seen", "DateTime")]);
        entity.Attributes["cputemp"].Value.GetNumber().ShouldBe(51.5);
        entity.Attributes["env"].Value["h"].GetNumber().ShouldBe(40);
        entity.Attributes["seen"].Value.GetString().ShouldBe("2026-12-04T10:00:00.000Z");
    }

    [Fact]
    public void TryMap_include_keepsOnlyThoseFields_andTheTypeMayBeATemplate()
    {
        new RecordEntityMap("${uuid}", "${kind}") { Include = ["t"] }.TryMap(Json("""{"uuid":"d","kind":"K","t":1,"u":2}"""), out var entity, out _).ShouldBeTrue();

        entity.Type.ShouldBe("K");
        entity.Attributes.Select(a => a.Name).ShouldBe(["t"]);
    }

    [Theory]
    [InlineData("""{"x":1}""", "field 'uuid' (in 'Device:${uuid}') is missing or null")]
    [InlineData("""{"uuid":{"a":1}}""", "field 'uuid' (in 'Device:${uuid}') is an object or a list, not text")]
    [InlineData("""{"uuid":"a b"}""", "the entity id 'Device:a b' is not a valid NGSI id")]
    [InlineData("""{"uuid":"d","bad name":1}""", "field 'bad name' cannot be an NGSI attribute name")]
    [InlineData("""{"uuid":"d","note":"x=1"}""", "field 'note': the text 'x=1' holds characters a broker refuses in values")]
    public void TryMap_recordThatMakesNoValidEntity_saysWhy(string json, string error)
    {
        new RecordEntityMap("Device:${uuid}", "Device").TryMap(Json(json), out _, out var reason).ShouldBeFalse();

        reason.ShouldStartWith(error);
    }

    [Fact]
    public void Constructor_unclosedPlaceholder_isRefused() =>
        Should.Throw<ArgumentException>(() => new RecordEntityMap("Device:${uuid", "Device")).Message.ShouldContain("never closes");
}
