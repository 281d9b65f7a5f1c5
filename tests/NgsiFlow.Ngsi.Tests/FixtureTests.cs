namespace NgsiFlow.Ngsi.Tests;

public class FixtureTests
{
    public static TheoryData<string> Files() => new(TestFiles.All());

    [Theory]
    [MemberData(nameof(Files))]
    public void Parse_everyFixture_yieldsEntitiesWithAttributes(string file)
    {
        var (headers, body) = TestFiles.Load(file);
        var n = NotificationParser.Parse(body, headers);
        n.EntityList.ShouldNotBeEmpty();
        n.EntityList.ShouldAllBe(e => e.AttributeNames.Any());
        NotificationParser.IsLd(n.Format).ShouldBe(file.StartsWith("ngsild", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ngsiv2/orion-wire-notification-normalized.http", NotificationFormat.V2Normalized)]
    [InlineData("ngsiv2/orion-wire-notification-keyValues.http", NotificationFormat.V2KeyValues)]
    [InlineData("ngsiv2/orion-wire-notification-values.http", NotificationFormat.V2Values)]
    [InlineData("ngsiv2/orion-wire-notification-normalized-attr-order.json", NotificationFormat.V2Normalized)]
    [InlineData("ngsiv2/spec-notification-normalized.json", NotificationFormat.V2Normalized)]
    [InlineData("ngsiv2/spec-notification-keyValues.json", NotificationFormat.V2KeyValues)]
    [InlineData("ngsiv2/spec-notification-values.json", NotificationFormat.V2Values)]
    [InlineData("ngsiv2/orion-api-notification-simplifiedNormalized.json", NotificationFormat.V2SimplifiedNormalized)]
    [InlineData("ngsiv2/orion-api-notification-simplifiedKeyValues.json", NotificationFormat.V2SimplifiedKeyValues)]
    [InlineData("ngsild/orionld-notification-languageproperty-normalized.json", NotificationFormat.LdNormalized)]
    [InlineData("ngsild/orionld-notification-languageproperty-concise.json", NotificationFormat.LdConcise)]
    [InlineData("ngsild/orionld-notification-languageproperty-simplified.json", NotificationFormat.LdSimplified)]
    [InlineData("ngsild/orionld-notification-concise-subattrs.json", NotificationFormat.LdConcise)]
    [InlineData("ngsild/orionld-notification-normalized-rich.json", NotificationFormat.LdNormalized)]
    [InlineData("ngsild/orionld-wire-notification-normalized.http", NotificationFormat.LdNormalized)]
    public void Parse_fixture_detectsFormat(string file, NotificationFormat expected)
    {
        var (headers, body) = TestFiles.Load(file);
        NotificationParser.Parse(body, headers).Format.ShouldBe(expected);
    }

    [Fact]
    public void Parse_orionWireNormalized_readsEnvelopeHeadersAndStatus()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-normalized.http");
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiV2Notification>();
        n.SubscriptionId.ShouldBe("5f0c8f1a2b3c4d5e6f708192");
        n.Fiware.IsDefaultTenant.ShouldBeTrue();
        n.Fiware.ServicePath.ShouldBe("/");
        n.Fiware.Correlator.ShouldBe("9a3c1e52-5c1f-11ef-8a2b-0242ac120003; cbnotif=1");
        var e = n.Entities.ShouldHaveSingleItem();
        e.Id.ShouldBe("E1");
        e.Type.ShouldBe("T");
        var status = e.Attributes.ShouldHaveSingleItem();
        status.Name.ShouldBe("status");
        status.Type.ShouldBe("Number");
        status.Value.GetNumber().ShouldBe(22);
        status.Metadata.ShouldBeEmpty();
    }

    [Fact]
    public void Parse_attrOrderFixture_keepsWireOrder()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-normalized-attr-order.json");
        var e = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiV2Notification>().Entities[0];
        e.Attributes.Select(a => a.Name).ShouldBe(["A3", "A1", "A2"]);
        e.Type.ShouldBe("none");
    }

    [Fact]
    public void Parse_valuesWithSubscriptionAttributes_namesValuesInOrder()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-values.http");
        var options = new NotificationParseOptions { ValuesAttributeNames = ["A2", "A4", "A6", "A5", "A3", "A1"] };
        var e = NotificationParser.Parse(body, headers, options).ShouldBeOfType<NgsiV2Notification>().Entities[0];
        e.GetNumber("A6").ShouldBe(6);
        e.GetNumber("A1").ShouldBe(1);
        e.Attributes.Select(a => a.Name).ShouldBe(["A2", "A4", "A6", "A5", "A3", "A1"]);
    }

    [Fact]
    public void Parse_valuesWithoutAttributeList_namesValuesByPosition()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-values.http");
        var e = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiV2Notification>().Entities[0];
        e.Id.ShouldBe(string.Empty);
        e.Attributes.Select(a => a.Name).ShouldBe(["0", "1", "2", "3", "4", "5"]);
        e.GetNumber("2").ShouldBe(6);
    }

    [Fact]
    public void Parse_ldRich_readsSubAttributesRelationshipsAndGeometry()
    {
        var (headers, body) = TestFiles.Load("ngsild/orionld-notification-normalized-rich.json");
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiLdNotification>();
        n.Id.ShouldBe("urn:ngsi-ld:Notification:6d1c7b4e-8f2a-11ef-9c3b-0242ac120004");
        n.SubscriptionId.ShouldBe("urn:ngsdi-ld:subscriptions:s1");
        n.NotifiedAt.ShouldBe(new DateTimeOffset(2024, 10, 21, 10, 15, 30, 123, TimeSpan.Zero));
        var e = n.Entities.ShouldHaveSingleItem();
        e.Id.ShouldBe("urn:ngsi-ld:entities:E1");
        var p = e.Attributes["P"].ShouldBeOfType<NgsiLdProperty>();
        p.Value.GetNumber().ShouldBe(44);
        p.ObservedAt.ShouldBe(new DateTimeOffset(2020, 12, 10, 7, 11, 0, 123, TimeSpan.Zero));
        var subInt = p.SubAttributes["Sub-Int"].ShouldBeOfType<NgsiLdProperty>();
        subInt.Value.GetNumber().ShouldBe(33);
        subInt.UnitCode.ShouldBe("pi-i");
        p.SubAttributes["Sub-R"].ShouldBeOfType<NgsiLdRelationship>().Object.ShouldBe("urn:ngsi-ld:rel:R2");
        var point = p.SubAttributes["geo-point"].ShouldBeOfType<NgsiLdGeoProperty>();
        point.Geometry.TryGetPoint(out var position).ShouldBeTrue();
        position.ShouldBe(new GeoPoint(1, 2, 3));
        p.SubAttributes["geo-multi-polygon"].ShouldBeOfType<NgsiLdGeoProperty>().Geometry.Type.ShouldBe("MultiPolygon");
        p.SubAttributes["geo-polygon"].ShouldBeOfType<NgsiLdGeoProperty>().Geometry.Coordinates[0].Count.ShouldBe(5);
        e.Attributes["R"].ShouldBeOfType<NgsiLdRelationship>().Object.ShouldBe("urn:ngsi-ld:relationships:R");
    }

    [Fact]
    public void Parse_ldConciseSubAttrs_readsInlineContextAndSubRelationship()
    {
        var (headers, body) = TestFiles.Load("ngsild/orionld-notification-concise-subattrs.json");
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiLdNotification>();
        n.Context.GetString().ShouldBe("https://fiware.github.io/NGSI-LD_TestSuite/ldContext/testContext.jsonld");
        n.ContextFromLinkHeader.ShouldBeFalse();
        var e = n.Entities[0];
        var p1 = e.Attributes["P1"].ShouldBeOfType<NgsiLdProperty>();
        p1.Value.GetNumber().ShouldBe(1);
        p1.SubAttributes["Sub-R1"].ShouldBeOfType<NgsiLdRelationship>().Object.ShouldBe("urn:E1");
        e.Attributes["P2"].ShouldBeOfType<NgsiLdProperty>().Value.GetString().ShouldBe("ok");
    }

    [Fact]
    public void Parse_ldWire_takesContextFromLinkHeader()
    {
        var (headers, body) = TestFiles.Load("ngsild/orionld-wire-notification-normalized.http");
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiLdNotification>();
        n.ContextFromLinkHeader.ShouldBeTrue();
        n.Context.GetString().ShouldBe("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld");
        n.SubscriptionId.ShouldBe("urn:subs:S1");
    }
}
