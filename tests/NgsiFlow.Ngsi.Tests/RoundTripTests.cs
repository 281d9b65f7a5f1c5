namespace NgsiFlow.Ngsi.Tests;

public class RoundTripTests
{
    private static NgsiV2Entity RichV2Entity()
    {
        var entity = new NgsiV2Entity("urn:Room:1", "Room");
        entity.Attributes
            .Set("temperature", 21.5)
            .Set("name", "Sala \"A\" ñ")
            .Set("open", true)
            .Set("nothing", NgsiValue.Null)
            .Set("when", NgsiValue.FromDateTime(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.Zero)), NgsiV2AttributeTypes.DateTime)
            .Set("location", GeoJsonGeometry.Point(-3.7, 40.4).Value, NgsiV2AttributeTypes.GeoJson)
            .Set("tags", NgsiValue.FromArray("a", 1, NgsiValue.FromObject(new NgsiMember("k", false))))
            .Set(new NgsiV2Attribute("pressure", 1013, "Number", [new NgsiV2Metadata("unitCode", "Text", "HPA"), new NgsiV2Metadata("accuracy", "Number", 0.5)]));
        return entity;
    }

    [Theory]
    [InlineData(NgsiV2Representation.Normalized)]
    [InlineData(NgsiV2Representation.KeyValues)]
    public void WriteThenParse_v2Entity_givesEqualValues(NgsiV2Representation representation)
    {
        var entity = RichV2Entity();
        var back = NgsiV2Parser.ParseEntity(NgsiV2Writer.EntityToBytes(entity, representation), representation);
        if (representation == NgsiV2Representation.Normalized)
        {
            back.ShouldBe(entity);
        }
        else
        {
            back.Attributes.Select(a => (a.Name, a.Value)).ShouldBe(entity.Attributes.Select(a => (a.Name, a.Value)));
        }
    }

    [Theory]
    [InlineData(NotificationFormat.V2Normalized)]
    [InlineData(NotificationFormat.V2KeyValues)]
    [InlineData(NotificationFormat.V2Values)]
    [InlineData(NotificationFormat.V2SimplifiedNormalized)]
    [InlineData(NotificationFormat.V2SimplifiedKeyValues)]
    public void WriteThenParse_v2Notification_givesSameValues(NotificationFormat format)
    {
        var entity = RichV2Entity();
        var names = entity.Attributes.Select(a => a.Name).ToArray();
        var bytes = NgsiV2Writer.NotificationToBytes(format, "sub-1", [entity], names);
        var n = NotificationParser.Parse(bytes, null, new NotificationParseOptions { Format = format, ValuesAttributeNames = names }).ShouldBeOfType<NgsiV2Notification>();
        n.Entities[0].Attributes.Select(a => (a.Name, a.Value)).ShouldBe(entity.Attributes.Select(a => (a.Name, a.Value)));
        if (format is NotificationFormat.V2Normalized or NotificationFormat.V2SimplifiedNormalized)
        {
            n.Entities[0].ShouldBe(entity);
        }
    }

    [Fact]
    public void WriteNotification_orionFixture_reproducesWireBytes()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-normalized.http");
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiV2Notification>();
        NgsiV2Writer.NotificationToBytes(n.Format, n.SubscriptionId!, n.Entities).ShouldBe(body);
    }

    [Fact]
    public void WriteNotification_keyValuesFixture_reproducesWireBytes()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-keyValues.http");
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiV2Notification>();
        NgsiV2Writer.NotificationToBytes(n.Format, n.SubscriptionId!, n.Entities).ShouldBe(body);
    }

    [Fact]
    public void WriteAttributes_patchBody_parsesBackWithoutIdOrType()
    {
        var entity = RichV2Entity();
        var bytes = NgsiV2Writer.AttributesToBytes(entity.Attributes);
        var json = System.Text.Encoding.UTF8.GetString(bytes);
        json.ShouldNotContain("\"id\"");
        json.ShouldStartWith("{\"temperature\":{\"type\":\"Number\",\"value\":21.5}");
        NgsiV2Parser.ParseAttributes(bytes).ShouldBe(entity.Attributes);
    }

    [Fact]
    public void WriteBatchUpdate_givesActionTypeAndEntities()
    {
        var e1 = new NgsiV2Entity("E1", "T");
        e1.Attributes.Set("a", 1);
        var bytes = NgsiV2Writer.BatchUpdateToBytes(NgsiV2BatchAction.AppendStrict, [e1, RichV2Entity()]);
        var doc = NgsiValue.Parse(bytes);
        doc["actionType"].GetString().ShouldBe("appendStrict");
        doc["entities"].Count.ShouldBe(2);
        var entities = NgsiV2Parser.ParseEntities(System.Text.Encoding.UTF8.GetBytes(doc["entities"].ToJson()));
        entities[0].ShouldBe(e1);
        entities[1].ShouldBe(RichV2Entity());
    }

    [Fact]
    public void WriteEntity_toBufferWriter_matchesBytes()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        NgsiV2Writer.WriteEntity(buffer, RichV2Entity(), NgsiV2Representation.KeyValues);
        buffer.WrittenSpan.ToArray().ShouldBe(NgsiV2Writer.EntityToBytes(RichV2Entity(), NgsiV2Representation.KeyValues));
    }

    private static NgsiLdEntity RichLdEntity()
    {
        var (headers, body) = TestFiles.Load("ngsild/orionld-notification-normalized-rich.json");
        return NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiLdNotification>().Entities[0];
    }

    private static NgsiLdEntity BuiltLdEntity()
    {
        var e = new NgsiLdEntity("urn:ngsi-ld:Building:1", ["Building", "Place"]) { Scopes = ["/Madrid"], Context = "https://example.org/ctx.jsonld" };
        e.Attributes
            .Set(new NgsiLdProperty("temperature", 21.5) { UnitCode = "CEL", ObservedAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, 5, TimeSpan.Zero) })
            .Set(new NgsiLdProperty("temperature", 22.5) { DatasetId = "urn:ngsi-ld:Dataset:b" })
            .Set(new NgsiLdProperty("label", "hola") { Lang = "es" })
            .Set(new NgsiLdProperty("config", NgsiValue.FromObject(new NgsiMember("mode", "eco"))))
            .Set(new NgsiLdProperty("shape", GeoJsonGeometry.Point(1, 2).Value))
            .Set(new NgsiLdRelationship("owner", "urn:ngsi-ld:Person:1") { ObjectType = "Person" })
            .Set(new NgsiLdGeoProperty("location", GeoJsonGeometry.Point(-3.7, 40.4)))
            .Set(new NgsiLdLanguageProperty("name", [new("en", "Town hall"), new("es", "Ayuntamiento")]))
            .Set(new NgsiLdVocabProperty("category", ["commercial", "office"]))
            .Set(new NgsiLdListProperty("readings", [1, 2, 3]))
            .Set(new NgsiLdListRelationship("neighbours", ["urn:a", "urn:b"]))
            .Set(new NgsiLdProperty("withSub", 1) { SubAttributes = new NgsiLdAttributeCollection([new NgsiLdProperty("accuracy", 0.1), new NgsiLdRelationship("by", "urn:dev")]) });
        return e;
    }

    [Theory]
    [InlineData(NgsiLdRepresentation.Normalized)]
    [InlineData(NgsiLdRepresentation.Concise)]
    public void WriteThenParse_ldEntities_giveEqualModels(NgsiLdRepresentation representation)
    {
        foreach (var entity in new[] { RichLdEntity(), BuiltLdEntity() })
        {
            var back = NgsiLdParser.ParseEntity(NgsiLdWriter.EntityToBytes(entity, representation), representation);
            back.ShouldBe(entity);
        }
    }

    [Fact]
    public void WriteConcise_scalarProperty_isBareValue()
    {
        var e = new NgsiLdEntity("urn:E", "T");
        e.Attributes.Set(new NgsiLdProperty("P2", "ok")).Set(new NgsiLdRelationship("R", "urn:x"));
        System.Text.Encoding.UTF8.GetString(NgsiLdWriter.EntityToBytes(e, NgsiLdRepresentation.Concise))
            .ShouldBe("""{"id":"urn:E","type":"T","P2":"ok","R":{"object":"urn:x"}}""");
    }

    [Fact]
    public void WriteSimplified_thenParse_keepsValues()
    {
        var entity = BuiltLdEntity();
        var back = NgsiLdParser.ParseEntity(NgsiLdWriter.EntityToBytes(entity, NgsiLdRepresentation.Simplified), NgsiLdRepresentation.Simplified);
        back.GetNumber("temperature").ShouldBe(21.5);
        back.GetString("owner").ShouldBe("urn:ngsi-ld:Person:1");
        back.Location!.Geometry.ShouldBe(GeoJsonGeometry.Point(-3.7, 40.4));
        back.Attributes["name"].ShouldBe(entity.Attributes["name"]);
        back.Attributes["category"].ShouldBe(entity.Attributes["category"]);
        back.Attributes["label"].ShouldBeOfType<NgsiLdProperty>().Value.GetString().ShouldBe("hola");
    }

    [Fact]
    public void WriteThenParse_ldNotification_givesEqualNotification()
    {
        var (headers, body) = TestFiles.Load("ngsild/orionld-notification-concise-subattrs.json");
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiLdNotification>();
        var back = NotificationParser.Parse(NgsiLdWriter.NotificationToBytes(n), null, new NotificationParseOptions { Format = n.Format }).ShouldBeOfType<NgsiLdNotification>();
        back.Entities.ShouldBe(n.Entities);
        back.Context.ShouldBe(n.Context);
        back.Id.ShouldBe(n.Id);
        back.NotifiedAt.ShouldBe(n.NotifiedAt);
        back.SubscriptionId.ShouldBe(n.SubscriptionId);
    }

    [Fact]
    public void WriteAttributes_ldPatch_parsesBack()
    {
        var entity = BuiltLdEntity();
        var bytes = NgsiLdWriter.AttributesToBytes(entity.Attributes, NgsiLdRepresentation.Normalized, "https://example.org/ctx.jsonld");
        NgsiValue.Parse(bytes)["@context"].GetString().ShouldBe("https://example.org/ctx.jsonld");
        NgsiLdParser.ParseAttributes(bytes).ShouldBe(entity.Attributes);
    }

    [Fact]
    public void WriteEntities_batchUpsert_isArrayOfEntities()
    {
        var bytes = NgsiLdWriter.EntitiesToBytes([BuiltLdEntity(), RichLdEntity()]);
        NgsiLdParser.ParseEntities(bytes).ShouldBe([BuiltLdEntity(), RichLdEntity()]);
    }

    [Fact]
    public void Parse_multiAttribute_keepsInstancesByDatasetId()
    {
        var entity = NgsiLdParser.ParseEntity("""
            {"id":"urn:E","type":"T","speed":[
              {"type":"Property","value":55,"datasetId":"urn:ngsi-ld:Dataset:gps"},
              {"type":"Property","value":54.5}]}
            """u8);
        entity.Attributes.GetAll("speed").Count().ShouldBe(2);
        entity.Attributes.Get("speed", "urn:ngsi-ld:Dataset:gps").ShouldBeOfType<NgsiLdProperty>().Value.GetNumber().ShouldBe(55);
        entity.GetNumber("speed").ShouldBe(54.5);
    }
}

public class SingleAttributeTests
{
    [Fact]
    public void WriteAttribute_thenParseAttribute_givesEqualAttribute()
    {
        var attribute = new NgsiV2Attribute("pressure", 1013, "Number", [new NgsiV2Metadata("unitCode", "Text", "HPA")]);
        var bytes = NgsiV2Writer.AttributeToBytes(attribute);
        System.Text.Encoding.UTF8.GetString(bytes).ShouldBe("""{"type":"Number","value":1013,"metadata":{"unitCode":{"type":"Text","value":"HPA"}}}""");
        NgsiV2Parser.ParseAttribute(bytes, "pressure").ShouldBe(attribute);
    }

    [Fact]
    public void EntitiesToBytes_withEmptyMetadata_writesItLikeOrion()
    {
        var e = new NgsiV2Entity("E1", "T");
        e.Attributes.Set("status", 22);
        System.Text.Encoding.UTF8.GetString(NgsiV2Writer.EntitiesToBytes([e], NgsiV2Representation.Normalized, includeEmptyMetadata: true))
            .ShouldBe("""[{"id":"E1","type":"T","status":{"type":"Number","value":22,"metadata":{}}}]""");
    }

    [Fact]
    public void ParseAttribute_missingValue_isNullWithInferredType()
    {
        var a = NgsiV2Parser.ParseAttribute("""{"metadata":{}}"""u8, "x");
        a.Value.IsNull.ShouldBeTrue();
        a.Type.ShouldBe("None");
    }
}
