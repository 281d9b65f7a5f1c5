namespace NgsiFlow.Ngsi.Tests;

public class FormatDetectionTests
{
    [Theory]
    [InlineData("""{"subscriptionId":"s","data":[{"id":"E0","type":"T"},{"id":"E1","type":"T","a":{"type":"Number","value":1,"metadata":{}}}]}""", NotificationFormat.V2Normalized)]
    [InlineData("""{"subscriptionId":"s","data":[{"id":"E","type":"T","location":{"type":"Point","coordinates":[1,2]}}]}""", NotificationFormat.V2KeyValues)]
    [InlineData("""{"subscriptionId":"s","data":[{"id":"E","type":"T","a":{"value":1}}]}""", NotificationFormat.V2Normalized)]
    [InlineData("""{"data":[{"id":"urn:E","type":"T","a":{"value":1}}],"id":"urn:n","type":"Notification"}""", NotificationFormat.LdConcise)]
    [InlineData("""{"data":[{"id":"urn:E","type":"T","a":1}],"type":"Notification"}""", NotificationFormat.LdSimplified)]
    [InlineData("""{"data":[{"id":"urn:E","type":"T","a":[{"type":"Property","value":1,"datasetId":"urn:d"}]}]}""", NotificationFormat.LdNormalized)]
    [InlineData("""{"subscriptionId":"s","data":[[1,2]]}""", NotificationFormat.V2Values)]
    [InlineData("""{"id":"E","type":"T","a":{"type":"Number","value":1}}""", NotificationFormat.V2SimplifiedNormalized)]
    [InlineData("""{"id":"E","type":"T","a":1}""", NotificationFormat.V2SimplifiedKeyValues)]
    public void Parse_noFormatHeader_detectsFormatFromBody(string json, NotificationFormat expected)
    {
        NotificationParser.Parse(System.Text.Encoding.UTF8.GetBytes(json)).Format.ShouldBe(expected);
    }

    [Fact]
    public void Parse_firstEntityWithoutAttributes_stillReadsLaterOnesAsNormalized()
    {
        var n = NotificationParser.Parse("""{"subscriptionId":"s","data":[{"id":"E0","type":"T"},{"id":"E1","type":"T","a":{"type":"Number","value":1,"metadata":{}}}]}"""u8)
            .ShouldBeOfType<NgsiV2Notification>();
        n.Entities[1].Attributes["a"].Type.ShouldBe("Number");
        n.Entities[1].GetNumber("a").ShouldBe(1);
    }

    [Fact]
    public void Parse_ldConciseGeoJsonAttribute_isGeoProperty()
    {
        var n = NotificationParser.Parse("""{"data":[{"id":"urn:E","type":"T","location":{"type":"Point","coordinates":[1,2]},"p":{"value":{"type":"x"}}}],"type":"Notification"}"""u8,
            null, new NotificationParseOptions { Format = NotificationFormat.LdConcise }).ShouldBeOfType<NgsiLdNotification>();
        n.Entities[0].Location!.Geometry.Type.ShouldBe("Point");
        n.Entities[0].Attributes["p"].ShouldBeOfType<NgsiLdProperty>().Value["type"].GetString().ShouldBe("x");
    }

    [Fact]
    public void Parse_ldEveryAttributeKind_readsConciseForms()
    {
        var e = NgsiLdParser.ParseEntity("""
            {"id":"urn:E","type":["A","B"],"scope":["/s1","/s2"],
             "name":{"languageMap":{"en":"Hall","es":"Sala"}},
             "cat":{"vocab":"office"},
             "list":{"valueList":[1,"two"]},
             "refs":{"objectList":[{"object":"urn:a"},"urn:b"]},
             "rel":{"object":["urn:x","urn:y"],"objectType":"Thing"},
             "obj":{"k":1,"j":2}}
            """u8, NgsiLdRepresentation.Concise);
        e.Types.ShouldBe(["A", "B"]);
        e.Scopes.ShouldBe(["/s1", "/s2"]);
        e.Attributes["name"].ShouldBeOfType<NgsiLdLanguageProperty>().GetText("es").ShouldBe("Sala");
        e.Attributes["cat"].ShouldBeOfType<NgsiLdVocabProperty>().Vocab.ShouldBe(["office"]);
        e.Attributes["list"].ShouldBeOfType<NgsiLdListProperty>().ValueList.ShouldBe([1, "two"]);
        e.Attributes["refs"].ShouldBeOfType<NgsiLdListRelationship>().ObjectList.ShouldBe(["urn:a", "urn:b"]);
        var rel = e.Attributes["rel"].ShouldBeOfType<NgsiLdRelationship>();
        rel.Objects.ShouldBe(["urn:x", "urn:y"]);
        rel.ObjectType.ShouldBe("Thing");
        e.Attributes["obj"].ShouldBeOfType<NgsiLdProperty>().Value["j"].GetNumber().ShouldBe(2);
    }
}

public class ExpandedTermTests
{
    [Fact]
    public void ParseEntity_expandedKindIris_areUnderstood()
    {
        var e = NgsiLdParser.ParseEntity("""
            {"id":"urn:E","type":"T",
             "p":{"type":"https://uri.etsi.org/ngsi-ld/Property","value":3},
             "r":{"type":"https://uri.etsi.org/ngsi-ld/Relationship","object":"urn:x"}}
            """u8);
        e.GetNumber("p").ShouldBe(3);
        e.Attributes["r"].ShouldBeOfType<NgsiLdRelationship>().Object.ShouldBe("urn:x");
    }
}

public class GuessedFormatTests
{
    [Fact]
    public void Parse_guessedLdNormalizedWithLaterConciseAttribute_readsIt()
    {
        var n = NotificationParser.Parse("""{"data":[{"id":"urn:E","type":"T","a":{"type":"Property","value":1},"b":2}],"type":"Notification"}"""u8)
            .ShouldBeOfType<NgsiLdNotification>();
        n.Format.ShouldBe(NotificationFormat.LdNormalized);
        n.Entities[0].GetNumber("b").ShouldBe(2);
    }

    [Fact]
    public void Parse_declaredLdNormalizedWithBareAttribute_isAnError()
    {
        Should.Throw<NgsiFormatException>(() => NotificationParser.Parse(
            """{"data":[{"id":"urn:E","type":"T","a":{"type":"Property","value":1},"b":2}],"type":"Notification"}"""u8,
            NotificationHeaders.From(("Ngsild-Attribute-Format", "Normalized")))).JsonPath.ShouldBe("$.data[0].b");
    }
}
