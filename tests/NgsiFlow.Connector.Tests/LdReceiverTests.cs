using System.Net;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

/// <summary>
/// No NGSI-LD broker runs here: these tests post Orion-LD's recorded notifications (TestData/ngsild, see SOURCES.md)
/// to the receiver exactly as an LD broker sends them.
/// </summary>
public sealed class LdReceiverTests
{
    [Fact]
    public async Task Post_orionld_wire_notification_with_link_header_gives_ld_event_with_context_and_tenant()
    {
        await using var h = await ReceiverHarness.StartAsync();
        var wire = TestFiles.Request("ngsild/orionld-wire-notification-normalized.http");
        wire.Headers.Add("NGSILD-Tenant", "farm");
        h.Route.MapSubscriptionId("urn:subs:S1");

        // Orion-LD posts to the bare endpoint and names the subscription in the query string as well.
        using var response = await h.PostAsync("/notify?subscriptionId=urn:subs:S1", wire.Body, wire.Headers);
        await h.StopAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var e = h.Events.ShouldHaveSingleItem();
        e.IsLd.ShouldBeTrue();
        e.EntityId.ShouldBe("urn:E1");
        e.Format.ShouldBe(NotificationFormat.LdNormalized);
        e.Fiware.Tenant.ShouldBe("farm");
        e.SubscriptionId.ShouldBe("urn:subs:S1");
        e.NotifiedAt.ShouldBe(DateTimeOffset.Parse("2024-10-21T10:15:30.123Z", System.Globalization.CultureInfo.InvariantCulture));
        e.LdContext.ToJson().ShouldContain("ngsi-ld-core-context-v1.6.jsonld");
        e.LdEntity.Attributes.Names.ShouldContain("L");
    }

    [Theory]
    [InlineData("ngsild/orionld-notification-languageproperty-normalized.json", "Normalized", NotificationFormat.LdNormalized)]
    [InlineData("ngsild/orionld-notification-languageproperty-concise.json", "Concise", NotificationFormat.LdConcise)]
    [InlineData("ngsild/orionld-notification-languageproperty-simplified.json", "Simplified", NotificationFormat.LdSimplified)]
    [InlineData("ngsild/orionld-notification-concise-subattrs.json", "Concise", NotificationFormat.LdConcise)]
    [InlineData("ngsild/orionld-notification-normalized-rich.json", "Normalized", NotificationFormat.LdNormalized)]
    public async Task Post_orionld_bodies_in_each_format_reach_the_job(string file, string formatHeader, NotificationFormat format)
    {
        await using var h = await ReceiverHarness.StartAsync();
        var headers = NotificationHeaders.From(
            ("Ngsild-Attribute-Format", formatHeader),
            ("Link", "<https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\""));
        var body = TestFiles.Bytes(file);
        var expected = (NgsiLdNotification)NotificationParser.Parse(body, headers);

        using var response = await h.PostAsync("/notify/job1", body, headers, "application/ld+json");
        await h.StopAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        h.Events.Select(e => e.LdEntity).ShouldBe(expected.Entities);
        h.Events.ShouldAllBe(e => e.Format == format && e.SubscriptionId == expected.SubscriptionId);
    }
}
