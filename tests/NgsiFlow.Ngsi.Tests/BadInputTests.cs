using System.Text;

namespace NgsiFlow.Ngsi.Tests;

public class BadInputTests
{
    private static NgsiFormatException Fails(string json, NotificationParseOptions? options = null, NotificationHeaders? headers = null) =>
        Should.Throw<NgsiFormatException>(() => NotificationParser.Parse(Encoding.UTF8.GetBytes(json), headers, options));

    private static readonly NotificationParseOptions V2Normalized = new() { Format = NotificationFormat.V2Normalized };
    private static readonly NotificationParseOptions LdNormalized = new() { Format = NotificationFormat.LdNormalized };

    [Fact]
    public void Parse_malformedJsonInsideAttribute_namesPathOfBreak()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E1","type":"T","temperature":{"type":"Number","value":}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].temperature.value");
        e.Expected.ShouldBe("well-formed JSON");
        e.Message.ShouldStartWith("$.data[0].temperature.value: expected well-formed JSON, found malformed JSON");
    }

    [Fact]
    public void Parse_truncatedBody_namesPathAndTruncation()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E1","type":"T","temperature":{"type":"Number","value":1""", V2Normalized);
        e.JsonPath.ShouldStartWith("$.data[0].temperature");
        e.Message.ShouldContain("JSON");
    }

    [Fact]
    public void Parse_emptyBody_saysEmpty()
    {
        var e = Fails("", V2Normalized);
        e.JsonPath.ShouldBe("$");
        e.Found.ShouldBe("an empty body");
    }

    [Fact]
    public void Parse_dataNotArray_namesData()
    {
        var e = Fails("""{"subscriptionId":"s","data":{"id":"E1"}}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data");
        e.Expected.ShouldContain("\"data\" array");
        e.Found.ShouldBe("an object");
    }

    [Fact]
    public void Parse_bodyIsArray_namesRoot()
    {
        var e = Fails("[1,2]", V2Normalized);
        e.JsonPath.ShouldBe("$");
        e.Found.ShouldBe("an array");
    }

    [Fact]
    public void Parse_noDataMember_saysSo()
    {
        var e = Fails("""{"subscriptionId":"s"}""", V2Normalized);
        e.JsonPath.ShouldBe("$");
        e.Found.ShouldBe("no \"data\" member");
    }

    [Fact]
    public void Parse_missingId_namesEntity()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E0","type":"T"},{"type":"T","a":{"value":1}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[1]");
        e.Expected.ShouldContain("\"id\"");
    }

    [Fact]
    public void Parse_ldMissingId_namesEntity()
    {
        var e = Fails("""{"type":"Notification","data":[{"type":"T","P":{"type":"Property","value":1}}]}""", LdNormalized);
        e.JsonPath.ShouldBe("$.data[0]");
        e.Expected.ShouldContain("\"id\"");
    }

    [Fact]
    public void Parse_idNotString_namesId()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":42,"type":"T"}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].id");
        e.Expected.ShouldBe("a string entity id");
        e.Found.ShouldBe("a number");
    }

    [Fact]
    public void Parse_attributeTypeNotString_namesType()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","temperature":{"type":7,"value":1}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].temperature.type");
        e.Found.ShouldBe("a number");
    }

    [Fact]
    public void Parse_normalizedAttributeNotObject_namesAttribute()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","temperature":21}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].temperature");
        e.Expected.ShouldContain("attribute object");
    }

    [Fact]
    public void Parse_unknownMemberInNormalizedAttribute_namesMember()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","temperature":{"type":"Number","value":1,"unit":"C"}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].temperature.unit");
    }

    [Fact]
    public void Parse_metadataNotObject_namesMetadata()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","t":{"type":"Number","value":1,"metadata":[]}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].t.metadata");
        e.Found.ShouldBe("an array");
    }

    [Fact]
    public void Parse_invalidDateTimeValue_namesValue()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","when":{"type":"DateTime","value":"yesterday"}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].when.value");
        e.Expected.ShouldContain("ISO 8601");
        e.Found.ShouldBe("'yesterday'");
    }

    [Fact]
    public void Parse_geoJsonAttributeNotGeometry_namesValue()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","location":{"type":"geo:json","value":"40.4,-3.7"}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].location.value");
        e.Expected.ShouldContain("GeoJSON");
    }

    [Fact]
    public void Parse_tooManyValues_namesExtraValue()
    {
        var e = Fails("""{"subscriptionId":"s","data":[[1,2,3]]}""", new NotificationParseOptions { Format = NotificationFormat.V2Values, ValuesAttributeNames = ["a", "b"] });
        e.JsonPath.ShouldBe("$.data[0][2]");
        e.Expected.ShouldContain("at most 2 values");
    }

    [Fact]
    public void Parse_ldObservedAtNotDate_namesObservedAt()
    {
        var e = Fails("""{"type":"Notification","data":[{"id":"urn:E","type":"T","P":{"type":"Property","value":1,"observedAt":1234}}]}""", LdNormalized);
        e.JsonPath.ShouldBe("$.data[0].P.observedAt");
        e.Found.ShouldBe("a number");
    }

    [Fact]
    public void Parse_ldUnknownAttributeType_namesType()
    {
        var e = Fails("""{"type":"Notification","data":[{"id":"urn:E","type":"T","P":{"type":"Number","value":1}}]}""", LdNormalized);
        e.JsonPath.ShouldBe("$.data[0].P.type");
        e.Found.ShouldBe("'Number'");
    }

    [Fact]
    public void Parse_ldRelationshipWithoutObject_namesAttribute()
    {
        var e = Fails("""{"type":"Notification","data":[{"id":"urn:E","type":"T","R":{"type":"Relationship","value":"urn:x"}}]}""", LdNormalized);
        e.JsonPath.ShouldBe("$.data[0].R");
        e.Expected.ShouldContain("\"object\"");
    }

    [Fact]
    public void Parse_ldGeoPropertyNotGeoJson_namesValue()
    {
        var e = Fails("""{"type":"Notification","data":[{"id":"urn:E","type":"T","location":{"type":"GeoProperty","value":[1,2]}}]}""", LdNormalized);
        e.JsonPath.ShouldBe("$.data[0].location.value");
        e.Found.ShouldBe("an array");
    }

    [Fact]
    public void Parse_ldLanguageMapValueNotString_namesLanguage()
    {
        var e = Fails("""{"type":"Notification","data":[{"id":"urn:E","type":"T","name":{"type":"LanguageProperty","languageMap":{"en":"x","es":5}}}]}""", LdNormalized);
        e.JsonPath.ShouldBe("$.data[0].name.languageMap.es");
    }

    [Fact]
    public void Parse_ldNormalizedBareValue_namesAttribute()
    {
        var e = Fails("""{"type":"Notification","data":[{"id":"urn:E","type":"T","P":1}]}""", LdNormalized);
        e.JsonPath.ShouldBe("$.data[0].P");
    }

    [Fact]
    public void Parse_ldSubAttributeError_namesNestedPath()
    {
        var e = Fails("""{"type":"Notification","data":[{"id":"urn:E","type":"T","P":{"type":"Property","value":1,"S":{"type":"Property"}}}]}""", LdNormalized);
        e.JsonPath.ShouldBe("$.data[0].P.S");
        e.Expected.ShouldContain("\"value\"");
    }

    [Fact]
    public void Parse_attributeNameWithDot_quotesItInPath()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","a.b":{"type":5}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0]['a.b'].type");
    }

    [Fact]
    public void Parse_bodyOverLimit_refusesIt()
    {
        var e = Fails("""{"subscriptionId":"s","data":[]}""", new NotificationParseOptions { MaxBodyBytes = 10 });
        e.JsonPath.ShouldBe("$");
        e.Expected.ShouldContain("at most 10 bytes");
    }

    [Fact]
    public void Parse_tooDeep_reportsMalformed()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","x":""" + deep + "}]}", new NotificationParseOptions { Format = NotificationFormat.V2KeyValues });
        e.JsonPath.ShouldStartWith("$.data[0].x[0]");
    }

    [Fact]
    public void Parse_numberOutOfRange_namesValue()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","x":{"type":"Number","value":1e400}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].x.value");
        e.Found.ShouldBe("a number out of range");
    }

    [Fact]
    public void Parse_invalidUtf8_raisesFormatError()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"subscriptionId":"s","data":[{"id":"E","type":"T","x":"AB"}]}""");
        var at = Array.IndexOf(bytes, (byte)'A');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        Should.Throw<NgsiFormatException>(() => NotificationParser.Parse(bytes, null, new NotificationParseOptions { Format = NotificationFormat.V2KeyValues }))
            .JsonPath.ShouldStartWith("$.data[0]");
    }

    [Fact]
    public void Parse_trailingContent_namesIt()
    {
        var e = Fails("""{"subscriptionId":"s","data":[]} {}""", V2Normalized);
        e.Expected.ShouldBe("well-formed JSON");
    }

    [Fact]
    public void TryParse_badInput_returnsError()
    {
        NotificationParser.TryParse("{\"data\":5}"u8, null, V2Normalized, out var n, out var error).ShouldBeFalse();
        n.ShouldBeNull();
        error!.JsonPath.ShouldBe("$.data");
    }

    [Fact]
    public void Parse_invalidOptions_throwsArgumentException()
    {
        Should.Throw<ArgumentException>(() => NotificationParser.Parse("{}"u8, null, new NotificationParseOptions { MaxDepth = 0 }))
            .Message.ShouldContain("MaxDepth");
        Should.Throw<ArgumentException>(() => NotificationParser.Parse("{}"u8, null, new NotificationParseOptions { ValuesAttributeNames = ["a", ""] }))
            .Message.ShouldContain("ValuesAttributeNames[1]");
    }

    [Fact]
    public void ParseEntity_v2MissingId_raisesFormatError()
    {
        Should.Throw<NgsiFormatException>(() => NgsiV2Parser.ParseEntity("""{"type":"T"}"""u8)).JsonPath.ShouldBe("$");
    }

    // Regression: a gateway that mangles encodings sent {"subscriptionI\x93": ...}; the reader's transcoding error
    // escaped as InvalidOperationException and the receiver answered 500 with an empty body.
    [Fact]
    public void Parse_invalidUtf8InPropertyName_refusedNamingTheByte()
    {
        byte[] body = [.. "{\"subscriptionI"u8, 0x93, .. "\":\"s\",\"data\":[]}"u8];
        var e = Should.Throw<NgsiFormatException>(() => NotificationParser.Parse(body, null, V2Normalized));
        e.Expected.ShouldBe("UTF-8 text");
        e.Found.ShouldBe("an invalid UTF-8 sequence at byte 15 (0x93)");
        e.JsonPath.ShouldBe("$['(invalid UTF-8)']");
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xFF })]
    public void ParseEntity_invalidUtf8InValue_refusedWithFormatException(byte[] bad)
    {
        byte[] body = [.. "{\"id\":\"E"u8, .. bad, .. "\",\"type\":\"T\"}"u8];
        Should.Throw<NgsiFormatException>(() => NgsiV2Parser.ParseEntity(body)).Found!.ShouldContain("invalid UTF-8 sequence at byte 8");
        Should.Throw<NgsiFormatException>(() => NgsiLdParser.ParseEntity(body)).Found!.ShouldContain("invalid UTF-8 sequence at byte 8");
    }

    // Regression: a duplicated key was accepted and the first value silently lost.
    [Fact]
    public void Parse_duplicateEntityId_refusedNamingIt()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","id":"F","type":"T"}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].id");
        e.Found.ShouldBe("a second \"id\"");
    }

    [Fact]
    public void Parse_duplicateAttribute_refusedNamingIt()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","t":{"value":1},"t":{"value":2}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].t");
        e.Found.ShouldBe("a second \"t\"");
    }

    [Fact]
    public void Parse_duplicateAttributeMember_refusedNamingIt()
    {
        var e = Fails("""{"subscriptionId":"s","data":[{"id":"E","type":"T","t":{"value":1,"type":"Number","value":2}}]}""", V2Normalized);
        e.JsonPath.ShouldBe("$.data[0].t.value");
        e.Found.ShouldBe("a second \"value\"");
    }

    [Fact]
    public void ParseEntity_duplicateAttributeKeyValues_refused()
    {
        Should.Throw<NgsiFormatException>(() => NgsiV2Parser.ParseEntity("""{"id":"E","type":"T","a":1,"a":2}"""u8, NgsiV2Representation.KeyValues))
            .Found.ShouldBe("a second \"a\"");
    }
}
