using System.Net;
using System.Text;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Engine;
using NgsiFlow.Engine.Records;
using NgsiFlow.Engine.Records.Transforms;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

/// <summary>The NGSI bridge end to end: device JSON posted to the ingest route, transformed, upserted as entities into the embedded broker.</summary>
public sealed class IngestBridgeTests
{
    private static readonly FiwareContext Tenant = new("edge", "/devices", null);

    [Fact]
    public async Task Ingest_transformedRecords_areUpsertedAsEntities_andInvalidOnesAreDeadLetteredWithTheReason()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = Tenant });
        var pipeline = new RecordPipeline(
            new Cast("bme680_tempc", FieldType.Number),
            Split.ByPattern("acc", @"(?<ax>[-+.\d]+)g : (?<ay>[-+.\d]+)g : (?<az>[-+.\d]+)g"),
            new Cast("ax", FieldType.Number),
            new Cast("ay", FieldType.Number),
            new Cast("az", FieldType.Number),
            new AddField("route", AddField.RouteValue));
        var map = new RecordEntityMap("urn:ngsi-ld:Device:${uuid}", "Device") { Exclude = ["uuid"] };
        var deadLetters = new List<string>();

        var connector = new NgsiConnector(new ConnectorOptions { Receiver = new ReceiverOptions { Port = 0 } });
        await using (connector)
        {
            var orion = connector.AddBroker(BrokerConnection.V2(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = Tenant }));
            var replier = connector.Replier(orion);
            var job = new StreamJob("edge");
            connector.Ingest(job, "sensors")
                .Select(r => pipeline.Process(r.Record, r.Context))
                .ForEachAsync(async (result, ct) =>
                {
                    string? error = null;
                    if (result.Reason is null && map.TryMap(result.Record, out var entity, out error))
                    {
                        await replier.UpsertEntityAsync(entity, Tenant, ct);
                        return;
                    }

                    lock (deadLetters)
                    {
                        deadLetters.Add(result.Reason ?? "bridge: " + error);
                    }
                });
            await connector.StartAsync(CancellationToken.None);
            using var http = new HttpClient { BaseAddress = connector.Receiver.BaseAddress };

            var body = """
                {"uuid":"d-1","bme680_tempc":"23.97","acc":"+00.08g : -01.01g : +00.09g"}
                {"uuid":"d-2","bme680_tempc":"19.5","acc":"+00.00g : +00.98g : -00.10g"}
                {"uuid":"d-3","bme680_tempc":"hot","acc":"+00.00g : +00.98g : -00.10g"}
                {"uuid":"d-1","bme680_tempc":"24.5","acc":"+00.01g : -01.00g : +00.09g"}
                """;
            using var response = await http.PostAsync("/ingest/sensors", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);

            var d1 = await WaitForAsync(admin, "urn:ngsi-ld:Device:d-1", e => e.Attributes.TryGet("bme680_tempc", out var t) && t.Value.GetNumber() == 24.5);
            d1.Attributes["ay"].Value.GetNumber().ShouldBe(-1.0);
            d1.Attributes["route"].Value.GetString().ShouldBe("sensors");
            var d2 = await WaitForAsync(admin, "urn:ngsi-ld:Device:d-2", _ => true);
            d2.Attributes["az"].Value.GetNumber().ShouldBe(-0.1);
            (await admin.TryGetEntityAsync("urn:ngsi-ld:Device:d-3", fiware: Tenant)).ShouldBeNull();
            await connector.StopAsync(CancellationToken.None);
            replier.GetStatistics().DeadLettered.ShouldBe(0);
        }

        deadLetters.ShouldBe(["step 1 (cast bme680_tempc to number): field 'bme680_tempc': 'hot' is not a number"]);
    }

    private static async Task<NgsiV2Entity> WaitForAsync(NgsiV2Client admin, string id, Func<NgsiV2Entity, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var entity = await admin.TryGetEntityAsync(id, fiware: Tenant);
            if (entity is not null && condition(entity))
            {
                return entity;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{id} never reached the expected state: {entity}");
            }

            await Task.Delay(20);
        }
    }
}
