using NgsiFlow.Cli.Pipelines.History;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;
using NgsiFlow.Sinks.PostgreSql;

namespace NgsiFlow.Cli.Tests.Pipelines;

public sealed class EntityHistoryRowsTests
{
    [Fact]
    public void Map_v2Entity_givesOneRowPerAttributeWithJsonValuesAndTimes()
    {
        var received = new DateTimeOffset(2026, 3, 1, 10, 0, 1, TimeSpan.Zero);
        var notified = received.AddMilliseconds(-200);
        var entity = new NgsiV2Entity("Machine:1", "Machine", new NgsiV2AttributeCollection(
        [
            new NgsiV2Attribute("temperature", NgsiValue.FromNumber(71.5), "Number",
                [new NgsiV2Metadata("TimeInstant", "DateTime", NgsiValue.FromString("2026-03-01T09:59:58.000Z"))]),
            new NgsiV2Attribute("status", NgsiValue.FromString("on"), "Text"),
            new NgsiV2Attribute("note", NgsiValue.Null, "Text"),
        ]));
        var e = new NgsiEvent("history", entity, new FiwareContext("plant", "/line1", null), NotificationFormat.V2Normalized, "sub1", notified, received);

        var rows = new List<EntityAttributeRow>();
        EntityHistoryRows.Map(e, rows);

        rows.ShouldBe(
        [
            new("plant", "/line1", "Machine:1", "Machine", "temperature", "Number", "71.5", new DateTimeOffset(2026, 3, 1, 9, 59, 58, TimeSpan.Zero), received),
            new("plant", "/line1", "Machine:1", "Machine", "status", "Text", "\"on\"", notified, received),
            new("plant", "/line1", "Machine:1", "Machine", "note", "Text", null, notified, received),
        ]);
    }
}
