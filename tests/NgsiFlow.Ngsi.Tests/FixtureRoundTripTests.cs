namespace NgsiFlow.Ngsi.Tests;

public class FixtureRoundTripTests
{
    public static TheoryData<string> Files() => new(TestFiles.All());

    [Theory]
    [MemberData(nameof(Files))]
    public void WriteThenParse_everyFixture_givesEqualEntities(string file)
    {
        var (headers, body) = TestFiles.Load(file);
        var parsed = NotificationParser.Parse(body, headers);
        var options = new NotificationParseOptions { Format = parsed.Format };
        switch (parsed)
        {
            case NgsiV2Notification v2:
                var v2Back = NotificationParser.Parse(NgsiV2Writer.NotificationToBytes(v2.Format, v2.SubscriptionId ?? string.Empty, v2.Entities), headers, options)
                    .ShouldBeOfType<NgsiV2Notification>();
                v2Back.Entities.ShouldBe(v2.Entities);
                break;
            case NgsiLdNotification ld:
                var ldBack = NotificationParser.Parse(NgsiLdWriter.NotificationToBytes(ld), headers, options).ShouldBeOfType<NgsiLdNotification>();
                ldBack.Entities.ShouldBe(ld.Entities);
                ldBack.Context.ShouldBe(ld.Context);
                ldBack.SubscriptionId.ShouldBe(ld.SubscriptionId);
                break;
            default:
                throw new InvalidOperationException("Every fixture is an NGSI-v2 or NGSI-LD notification.");
        }
    }

    [Theory]
    [InlineData("ngsild/orionld-notification-normalized-rich.json")]
    [InlineData("ngsild/orionld-notification-concise-subattrs.json")]
    [InlineData("ngsild/orionld-notification-languageproperty-normalized.json")]
    public void WriteConciseThenParse_ldFixture_givesEqualEntities(string file)
    {
        var (headers, body) = TestFiles.Load(file);
        var ld = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiLdNotification>();
        foreach (var entity in ld.Entities)
        {
            NgsiLdParser.ParseEntity(NgsiLdWriter.EntityToBytes(entity, NgsiLdRepresentation.Concise), NgsiLdRepresentation.Concise).ShouldBe(entity);
            NgsiLdParser.ParseEntity(NgsiLdWriter.EntityToBytes(entity, NgsiLdRepresentation.Normalized)).ShouldBe(entity);
        }
    }
}
