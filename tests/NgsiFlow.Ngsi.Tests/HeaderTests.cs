namespace NgsiFlow.Ngsi.Tests;

public class HeaderTests
{
    private static readonly byte[] V2Body = """{"subscriptionId":"s1","data":[{"id":"E1","type":"T","a":{"type":"Number","value":1}}]}"""u8.ToArray();
    private static readonly byte[] LdBody = """{"id":"urn:n","type":"Notification","subscriptionId":"urn:s","notifiedAt":"2024-10-21T10:15:30.123Z","data":[{"id":"urn:E1","type":"T","a":{"type":"Property","value":1}}]}"""u8.ToArray();

    [Theory]
    [InlineData("Fiware-Service", "Fiware-ServicePath")]
    [InlineData("fiware-service", "fiware-servicepath")]
    [InlineData("FIWARE-SERVICE", "FIWARE-SERVICEPATH")]
    [InlineData("Fiware-Service", "Fiware-Servicepath")]
    public void Parse_anyHeaderNameCase_readsTenantAndServicePath(string serviceHeader, string pathHeader)
    {
        var headers = new NotificationHeaders().Add(serviceHeader, "smartcity").Add(pathHeader, "/madrid/centro");
        var n = NotificationParser.Parse(V2Body, headers);
        n.Fiware.Tenant.ShouldBe("smartcity");
        n.Fiware.ServicePath.ShouldBe("/madrid/centro");
        n.Fiware.IsDefaultTenant.ShouldBeFalse();
    }

    [Fact]
    public void Parse_noHeaders_givesDefaultTenantAndRootPath()
    {
        var n = NotificationParser.Parse(V2Body);
        n.Fiware.ShouldBe(FiwareContext.Default);
        n.Fiware.Correlator.ShouldBeNull();
    }

    [Fact]
    public void Parse_ngsiLdTenantHeader_isTheTenantOfLdNotifications()
    {
        var headers = NotificationHeaders.From(("ngsild-tenant", "openiot"), ("Fiware-Service", "other"));
        var n = NotificationParser.Parse(LdBody, headers);
        n.ShouldBeOfType<NgsiLdNotification>();
        n.Fiware.Tenant.ShouldBe("openiot");
    }

    [Fact]
    public void Parse_ngsiLdTenantOnly_isAlsoUsedForV2()
    {
        var n = NotificationParser.Parse(V2Body, NotificationHeaders.From(("NGSILD-Tenant", "t1")), new NotificationParseOptions { Format = NotificationFormat.V2Normalized });
        n.Fiware.Tenant.ShouldBe("t1");
    }

    [Fact]
    public void Parse_correlatorHeader_isKeptAsSent()
    {
        var n = NotificationParser.Parse(V2Body, NotificationHeaders.From(("fiware-correlator", "abc; cbnotif=2")));
        n.Fiware.Correlator.ShouldBe("abc; cbnotif=2");
    }

    [Fact]
    public void Parse_formatHeaderAnyCase_decidesFormat()
    {
        var body = """{"subscriptionId":"s","data":[{"id":"E","type":"T","a":{"type":"Number","value":1}}]}"""u8.ToArray();
        // As keyValues, the attribute object is a StructuredValue, not a normalized attribute.
        var n = NotificationParser.Parse(body, NotificationHeaders.From(("NGSIV2-ATTRSFORMAT", "keyValues"))).ShouldBeOfType<NgsiV2Notification>();
        n.Format.ShouldBe(NotificationFormat.V2KeyValues);
        n.Entities[0].Attributes["a"].Type.ShouldBe("StructuredValue");
    }

    [Fact]
    public void Parse_ldFormatHeader_decidesLdFormat()
    {
        var n = NotificationParser.Parse(LdBody, NotificationHeaders.From(("ngsild-attribute-format", "Normalized")));
        n.Format.ShouldBe(NotificationFormat.LdNormalized);
        n.NotifiedAt.ShouldBe(new DateTimeOffset(2024, 10, 21, 10, 15, 30, 123, TimeSpan.Zero));
    }

    [Fact]
    public void Parse_customFormatHeader_passesBodyThroughRaw()
    {
        var body = "temperature=21.5;station=E1"u8.ToArray();
        var headers = NotificationHeaders.From(("Ngsiv2-AttrsFormat", "custom"), ("Content-Type", "text/plain"), ("Fiware-Service", "t"));
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiCustomNotification>();
        n.Format.ShouldBe(NotificationFormat.V2Custom);
        n.Body.ToArray().ShouldBe(body);
        n.BodyText.ShouldBe("temperature=21.5;station=E1");
        n.ContentType.ShouldBe("text/plain");
        n.Fiware.Tenant.ShouldBe("t");
        n.EntityList.ShouldBeEmpty();
    }

    [Fact]
    public void Parse_optionsFormat_winsOverHeader()
    {
        var n = NotificationParser.Parse(V2Body, NotificationHeaders.From(("Ngsiv2-AttrsFormat", "keyValues")), new NotificationParseOptions { Format = NotificationFormat.V2Normalized });
        n.Format.ShouldBe(NotificationFormat.V2Normalized);
    }

    [Fact]
    public void Parse_linkHeaderOnBareBody_marksLdAndKeepsContext()
    {
        var body = """{"data":[{"id":"urn:E1","type":"T","a":1}],"subscriptionId":"urn:s"}"""u8.ToArray();
        var headers = NotificationHeaders.From(("link", "<https://example.org/ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\""));
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiLdNotification>();
        n.Context.GetString().ShouldBe("https://example.org/ctx.jsonld");
        n.Format.ShouldBe(NotificationFormat.LdSimplified);
    }

    [Fact]
    public void Headers_getAndEnumerate_keepOrderAndIgnoreCase()
    {
        var headers = new NotificationHeaders().Add("A", "1").Add("b", " 2 ");
        headers.Get("a").ShouldBe("1");
        headers.Get("B").ShouldBe("2");
        headers.Get("c").ShouldBeNull();
        headers.Select(h => h.Key).ShouldBe(["A", "b"]);
        Should.Throw<InvalidOperationException>(() => NotificationHeaders.Empty.Add("x", "y"));
    }

    [Fact]
    public void Parse_utf8Bom_isTolerated()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(V2Body).ToArray();
        NotificationParser.Parse(body).ShouldBeOfType<NgsiV2Notification>().Entities[0].Id.ShouldBe("E1");
    }
}

public class SequenceInputTests
{
    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }

    [Fact]
    public void Parse_multiSegmentSequence_givesSameResultAsSpan()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-normalized.http");
        var first = new Segment(body.AsMemory(0, 40), null);
        var last = new Segment(body.AsMemory(40), first);
        var sequence = new System.Buffers.ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        sequence.IsSingleSegment.ShouldBeFalse();
        var fromSequence = NotificationParser.Parse(sequence, headers).ShouldBeOfType<NgsiV2Notification>();
        var fromSpan = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiV2Notification>();
        fromSequence.Entities.ShouldBe(fromSpan.Entities);
    }

    [Fact]
    public void TryParse_multiSegmentSequence_parsesOrReturnsTheErrorWithoutThrowing()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-normalized.http");
        var first = new Segment(body.AsMemory(0, 40), null);
        var last = new Segment(body.AsMemory(40), first);
        var broken = new Segment(body.AsMemory(0, body.Length - 3), null);
        var tail = new Segment("}}"u8.ToArray(), broken);

        NotificationParser.TryParse(new System.Buffers.ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), headers, null, out var parsed, out var none).ShouldBeTrue();
        parsed.ShouldBeOfType<NgsiV2Notification>().Entities.ShouldBe(NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiV2Notification>().Entities);
        none.ShouldBeNull();
        NotificationParser.TryParse(new System.Buffers.ReadOnlySequence<byte>(broken, 0, tail, tail.Memory.Length), headers, null, out var nothing, out var error).ShouldBeFalse();
        nothing.ShouldBeNull();
        error.ShouldNotBeNull();
    }
}
