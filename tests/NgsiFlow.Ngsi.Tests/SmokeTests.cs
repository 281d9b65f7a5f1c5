namespace NgsiFlow.Ngsi.Tests;

public class SmokeTests
{
    [Fact]
    public void Parse_orionWireNormalized_readsStatus()
    {
        var (headers, body) = TestFiles.Load("ngsiv2/orion-wire-notification-normalized.http");
        var n = NotificationParser.Parse(body, headers).ShouldBeOfType<NgsiV2Notification>();
        n.Format.ShouldBe(NotificationFormat.V2Normalized);
        n.SubscriptionId.ShouldBe("5f0c8f1a2b3c4d5e6f708192");
        n.Fiware.ServicePath.ShouldBe("/");
        n.Fiware.IsDefaultTenant.ShouldBeTrue();
        n.Entities[0].Id.ShouldBe("E1");
        n.Entities[0].Attributes["status"].Value.GetNumber().ShouldBe(22);
    }
}
