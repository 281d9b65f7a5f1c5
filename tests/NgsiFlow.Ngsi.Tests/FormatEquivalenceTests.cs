namespace NgsiFlow.Ngsi.Tests;

public class FormatEquivalenceTests
{
    private static NgsiV2Notification V2(string file, NotificationParseOptions? options = null)
    {
        var (headers, body) = TestFiles.Load(file);
        return NotificationParser.Parse(body, headers, options).ShouldBeOfType<NgsiV2Notification>();
    }

    private static NgsiLdEntity Ld(string file)
    {
        var (headers, body) = TestFiles.Load(file);
        return NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiLdNotification>().Entities.ShouldHaveSingleItem();
    }

    [Fact]
    public void Parse_specNormalizedAndKeyValues_giveEqualEntities()
    {
        var normalized = V2("ngsiv2/spec-notification-normalized.json");
        var keyValues = V2("ngsiv2/spec-notification-keyValues.json");
        keyValues.Entities.Count.ShouldBe(2);
        // keyValues loses the "percentage" type of humidity; every value is the same.
        for (var i = 0; i < 2; i++)
        {
            keyValues.Entities[i].Id.ShouldBe(normalized.Entities[i].Id);
            keyValues.Entities[i].Type.ShouldBe(normalized.Entities[i].Type);
            keyValues.Entities[i].Attributes.Select(a => (a.Name, a.Value))
                .ShouldBe(normalized.Entities[i].Attributes.Select(a => (a.Name, a.Value)));
        }

        normalized.Entities[0].Attributes["humidity"].Type.ShouldBe("percentage");
        keyValues.Entities[0].Attributes["humidity"].Type.ShouldBe("Number");
        keyValues.Entities[0].Attributes["temperature"].ShouldBe(normalized.Entities[0].Attributes["temperature"]);
    }

    [Fact]
    public void Parse_specValuesWithAttributeList_givesTheNormalizedValues()
    {
        var normalized = V2("ngsiv2/spec-notification-normalized.json");
        var values = V2("ngsiv2/spec-notification-values.json", new NotificationParseOptions { ValuesAttributeNames = ["temperature", "humidity"] });
        values.Format.ShouldBe(NotificationFormat.V2Values);
        values.SubscriptionId.ShouldBe("12345");
        for (var i = 0; i < 2; i++)
        {
            values.Entities[i].Attributes.Select(a => (a.Name, a.Value))
                .ShouldBe(normalized.Entities[i].Attributes.Select(a => (a.Name, a.Value)));
        }
    }

    [Fact]
    public void Parse_simplifiedFormats_giveTheSpecEntity()
    {
        var reference = V2("ngsiv2/spec-notification-normalized.json").Entities[0];
        var simplifiedNormalized = V2("ngsiv2/orion-api-notification-simplifiedNormalized.json").Entities.ShouldHaveSingleItem();
        var simplifiedKeyValues = V2("ngsiv2/orion-api-notification-simplifiedKeyValues.json").Entities.ShouldHaveSingleItem();
        simplifiedNormalized.ShouldBe(reference);
        simplifiedKeyValues.Attributes.Select(a => (a.Name, a.Value)).ShouldBe(reference.Attributes.Select(a => (a.Name, a.Value)));
        simplifiedKeyValues.Id.ShouldBe(reference.Id);
    }

    [Fact]
    public void Parse_orionWireKeyValuesAndNormalized_giveSameValuesInSameOrder()
    {
        var keyValues = V2("ngsiv2/orion-wire-notification-keyValues.http").Entities[0];
        var normalized = V2("ngsiv2/orion-wire-notification-normalized-attr-order.json").Entities[0];
        keyValues.ShouldBe(normalized);
        keyValues.Attributes.Select(a => a.Value.GetNumber()).ShouldBe([3, 1, 2]);
    }

    [Fact]
    public void Parse_threeLdFormatsOfOneEntity_giveEqualModels()
    {
        var normalized = Ld("ngsild/orionld-notification-languageproperty-normalized.json");
        var concise = Ld("ngsild/orionld-notification-languageproperty-concise.json");
        var simplified = Ld("ngsild/orionld-notification-languageproperty-simplified.json");
        concise.ShouldBe(normalized);
        simplified.ShouldBe(normalized);
        var l = normalized.Attributes["L"].ShouldBeOfType<NgsiLdProperty>();
        l.Value.GetString().ShouldBe("yes");
        l.Lang.ShouldBeNull();
    }

    [Fact]
    public void Parse_ldWireAndBareBody_giveEqualEntities()
    {
        Ld("ngsild/orionld-wire-notification-normalized.http").ShouldBe(Ld("ngsild/orionld-notification-languageproperty-normalized.json"));
    }
}
