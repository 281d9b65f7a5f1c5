using NgsiFlow.Client.Tests.Infrastructure;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Tests;

[Collection(BrokerCollection.Name)]
public sealed class V2BatchTests(BrokerFixture fixture)
{
    [Fact]
    public async Task BatchUpdateAsync_every_action_changes_the_broker()
    {
        using var client = new NgsiV2Client(fixture.Options("batch"));
        NgsiV2Entity[] rooms = [V2EntityTests.Room("urn:B:1", 1), V2EntityTests.Room("urn:B:2", 2)];

        await client.BatchUpdateAsync(NgsiV2BatchAction.AppendStrict, rooms);
        await client.BatchUpdateAsync(NgsiV2BatchAction.Update, [new NgsiV2Entity("urn:B:1", "Room", new NgsiV2AttributeCollection().Set("temperature", 10, "Number"))]);
        await client.BatchUpdateAsync(NgsiV2BatchAction.Append, [new NgsiV2Entity("urn:B:2", "Room", new NgsiV2AttributeCollection().Set("co2", 400, "Number"))]);
        await client.BatchUpdateAsync(NgsiV2BatchAction.Replace, [new NgsiV2Entity("urn:B:1", "Room", new NgsiV2AttributeCollection().Set("only", true, "Boolean"))]);

        (await client.GetEntityAsync("urn:B:1")).Attributes.Select(a => a.Name).ShouldBe(["only"]);
        (await client.GetEntityAsync("urn:B:2")).GetNumber("co2").ShouldBe(400);

        await client.BatchUpdateAsync(NgsiV2BatchAction.Delete, [new NgsiV2Entity("urn:B:1", "Room")]);
        (await client.TryGetEntityAsync("urn:B:1")).ShouldBeNull();
    }

    [Fact]
    public async Task BatchUpdateAsync_keyValues_writes_bare_values()
    {
        using var client = new NgsiV2Client(fixture.Options("batchkv"));

        await client.BatchUpdateAsync(NgsiV2BatchAction.Append, [V2EntityTests.Room("urn:K:1", 5)], NgsiV2Representation.KeyValues);

        var read = await client.GetEntityAsync("urn:K:1");
        read.Attributes["temperature"].Type.ShouldBe("Number");
        read.GetNumber("temperature").ShouldBe(5);
    }

    [Fact]
    public async Task BatchUpdateAsync_update_of_a_missing_entity_throws_with_the_broker_description()
    {
        using var client = new NgsiV2Client(fixture.Options("batcherr"));

        var error = await Should.ThrowAsync<NgsiClientException>(() =>
            client.BatchUpdateAsync(NgsiV2BatchAction.Update, [V2EntityTests.Room("urn:none", 1)]));

        // Orion answers a batch whose entities are all missing with 404 NotFound and names them.
        error.StatusCode.ShouldBe(404);
        error.Error.ShouldBe("NotFound");
        error.Description!.ShouldContain("urn:none");
        error.RequestUri!.AbsolutePath.ShouldBe("/v2/op/update");
    }

    [Fact]
    public async Task BatchUpdateAsync_with_no_entities_is_refused_before_sending()
    {
        using var client = new NgsiV2Client(fixture.Options("batcherr"));

        var error = await Should.ThrowAsync<ArgumentException>(() => client.BatchUpdateAsync(NgsiV2BatchAction.Append, []));

        error.Message.ShouldContain("at least one entity");
    }

    [Fact]
    public async Task BatchQueryAsync_pages_over_op_query_with_an_expression()
    {
        using var client = new NgsiV2Client(fixture.Options("batchq"));
        await client.BatchUpdateAsync(NgsiV2BatchAction.Append, Enumerable.Range(0, 12).Select(i => V2EntityTests.Room($"urn:Q:{i:D2}", i)));

        var found = await client.BatchQueryAsync(new NgsiV2BatchQuery
        {
            Entities = [NgsiV2EntitySelector.ByPattern("^urn:Q:", "Room")],
            Attrs = ["temperature"],
            Q = "temperature<10",
            PageSize = 4,
        }).ToListAsync();

        found.Count.ShouldBe(10);
        found.ShouldAllBe(e => e.Attributes.Count == 1 && e.GetNumber("temperature") < 10);
    }
}
