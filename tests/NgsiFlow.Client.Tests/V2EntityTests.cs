using NgsiFlow.Client.Tests.Infrastructure;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Client.Tests;

[Collection(BrokerCollection.Name)]
public sealed class V2EntityTests(BrokerFixture fixture)
{
    internal static NgsiV2Entity Room(string id, double temperature, string status = "on") =>
        new(id, "Room", new NgsiV2AttributeCollection().Set("temperature", temperature, "Number").Set("status", status, "Text"));

    [Fact]
    public async Task CreateEntityAsync_then_get_returns_the_same_attributes()
    {
        using var client = new NgsiV2Client(fixture.Options("crud"));
        await client.CreateEntityAsync(Room("urn:Room:1", 21.5));

        var read = await client.GetEntityAsync("urn:Room:1");

        read.Type.ShouldBe("Room");
        read.GetNumber("temperature").ShouldBe(21.5);
        read.Attributes["status"].Value.GetString().ShouldBe("on");
    }

    [Fact]
    public async Task CreateEntityAsync_twice_throws_422_with_the_broker_error()
    {
        using var client = new NgsiV2Client(fixture.Options("crud"));
        await client.CreateEntityAsync(Room("urn:Room:dup", 1));

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.CreateEntityAsync(Room("urn:Room:dup", 2)));

        error.StatusCode.ShouldBe(422);
        error.Error.ShouldBe("Unprocessable");
        error.Description.ShouldBe("Already Exists");
        error.Method.ShouldBe("POST");
        error.RequestUri!.AbsolutePath.ShouldBe("/v2/entities");
        error.Message.ShouldContain("Already Exists");
    }

    [Fact]
    public async Task UpsertEntityAsync_creates_then_updates()
    {
        using var client = new NgsiV2Client(fixture.Options("upsert"));

        (await client.UpsertEntityAsync(Room("urn:Room:u", 10))).ShouldBeTrue();
        (await client.UpsertEntityAsync(Room("urn:Room:u", 11))).ShouldBeFalse();

        (await client.GetEntityAsync("urn:Room:u")).GetNumber("temperature").ShouldBe(11);
    }

    [Fact]
    public async Task GetEntityAsync_of_a_missing_entity_throws_404_and_TryGet_returns_null()
    {
        using var client = new NgsiV2Client(fixture.Options("missing"));

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.GetEntityAsync("urn:nothing"));
        error.StatusCode.ShouldBe(404);
        error.IsNotFound.ShouldBeTrue();
        error.Error.ShouldBe("NotFound");
        error.Description!.ShouldContain("not been found");

        (await client.TryGetEntityAsync("urn:nothing")).ShouldBeNull();
    }

    [Fact]
    public async Task GetEntityAsync_with_attrs_and_keyValues_returns_only_those_values()
    {
        using var client = new NgsiV2Client(fixture.Options("proj"));
        await client.CreateEntityAsync(Room("urn:Room:p", 30, "off"));

        var read = await client.GetEntityAsync("urn:Room:p", "Room", ["status"], NgsiV2Representation.KeyValues);

        read.Attributes.Count.ShouldBe(1);
        read.Attributes["status"].Value.GetString().ShouldBe("off");
    }

    [Fact]
    public async Task ListEntitiesAsync_pages_through_every_match()
    {
        using var client = new NgsiV2Client(fixture.Options("paging"));
        var all = Enumerable.Range(0, 25).Select(i => Room($"urn:Room:{i:D2}", i)).ToList();
        await client.BatchUpdateAsync(NgsiV2BatchAction.Append, all);

        var listed = await client.ListEntitiesAsync(new NgsiV2EntityQuery { Types = ["Room"], PageSize = 7, OrderBy = "temperature" }).ToListAsync();

        listed.Select(e => e.Id).ShouldBe(all.Select(e => e.Id));
        (await client.CountEntitiesAsync(new NgsiV2EntityQuery { Types = ["Room"] })).ShouldBe(25);
    }

    [Fact]
    public async Task ListEntitiesAsync_filters_with_q_idPattern_and_MaxResults()
    {
        using var client = new NgsiV2Client(fixture.Options("filter"));
        await client.BatchUpdateAsync(NgsiV2BatchAction.Append, Enumerable.Range(0, 10).Select(i => Room($"urn:Room:f{i}", i * 10)));

        var hot = await client.ListEntitiesAsync(new NgsiV2EntityQuery { IdPattern = "^urn:Room:f", Q = "temperature>=50", OrderBy = "temperature" }).ToListAsync();
        var firstTwo = await client.ListEntitiesAsync(new NgsiV2EntityQuery { Types = ["Room"], MaxResults = 2, PageSize = 1 }).ToListAsync();
        var page = await client.QueryEntitiesPageAsync(new NgsiV2EntityQuery { Types = ["Room"], PageSize = 3, Offset = 8 });

        hot.Select(e => e.GetNumber("temperature")).ShouldBe([50, 60, 70, 80, 90]);
        firstTwo.Count.ShouldBe(2);
        page.Items.Count.ShouldBe(2);
        page.TotalCount.ShouldBe(10);
    }

    [Fact]
    public async Task Attribute_calls_patch_post_put_value_and_delete()
    {
        using var client = new NgsiV2Client(fixture.Options("attrs"));
        await client.CreateEntityAsync(Room("urn:Room:a", 20));

        await client.UpdateAttributesAsync("urn:Room:a", [new NgsiV2Attribute("temperature", 22, "Number")]);
        await client.AppendAttributesAsync("urn:Room:a", [new NgsiV2Attribute("humidity", 40, "Number")]);
        await client.SetAttributeValueAsync("urn:Room:a", "status", "standby");
        await client.SetAttributeValueAsync("urn:Room:a", "humidity", NgsiValue.FromObject(new NgsiMember("rel", 41)));
        var attrs = await client.GetAttributesAsync("urn:Room:a");
        var status = await client.GetAttributeValueAsync("urn:Room:a", "status");
        var humidity = await client.GetAttributeValueAsync("urn:Room:a", "humidity");

        attrs["temperature"].Value.GetNumber().ShouldBe(22);
        status.GetString().ShouldBe("standby");
        humidity["rel"].GetNumber().ShouldBe(41);

        await client.DeleteAttributeAsync("urn:Room:a", "humidity");
        await client.ReplaceAttributesAsync("urn:Room:a", [new NgsiV2Attribute("pressure", 1013, "Number")]);
        var after = await client.GetEntityAsync("urn:Room:a");
        after.Attributes.Select(a => a.Name).ShouldBe(["pressure"]);
    }

    [Fact]
    public async Task UpdateAttributesAsync_of_a_missing_attribute_maps_the_orion_error()
    {
        using var client = new NgsiV2Client(fixture.Options("attrs"));
        await client.CreateEntityAsync(Room("urn:Room:m", 20));

        var error = await Should.ThrowAsync<NgsiClientException>(() =>
            client.UpdateAttributesAsync("urn:Room:m", [new NgsiV2Attribute("nope", 1, "Number")]));

        error.StatusCode.ShouldBe(422);
        error.Method.ShouldBe("PATCH");
        error.Description.ShouldNotBeNull();
    }

    [Fact]
    public async Task AppendAttributesAsync_strict_on_an_existing_attribute_fails()
    {
        using var client = new NgsiV2Client(fixture.Options("attrs"));
        await client.CreateEntityAsync(Room("urn:Room:s", 20));

        var error = await Should.ThrowAsync<NgsiClientException>(() =>
            client.AppendAttributesAsync("urn:Room:s", [new NgsiV2Attribute("temperature", 1, "Number")], strict: true));

        error.StatusCode.ShouldBe(422);
    }

    [Fact]
    public async Task DeleteEntityAsync_removes_it()
    {
        using var client = new NgsiV2Client(fixture.Options("delete"));
        await client.CreateEntityAsync(Room("urn:Room:d", 20));

        await client.DeleteEntityAsync("urn:Room:d", "Room");

        (await client.TryGetEntityAsync("urn:Room:d")).ShouldBeNull();
        (await Should.ThrowAsync<NgsiClientException>(() => client.DeleteEntityAsync("urn:Room:d"))).StatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task Fiware_headers_keep_tenants_and_service_paths_apart()
    {
        using var client = new NgsiV2Client(fixture.Options());
        var madrid = new FiwareContext("city", "/madrid", "corr-1");
        var paris = new FiwareContext("city", "/paris", null);
        await client.CreateEntityAsync(Room("urn:Room:t", 1), fiware: madrid);
        await client.CreateEntityAsync(Room("urn:Room:t", 2), fiware: paris);

        (await client.GetEntityAsync("urn:Room:t", fiware: madrid)).GetNumber("temperature").ShouldBe(1);
        (await client.GetEntityAsync("urn:Room:t", fiware: paris)).GetNumber("temperature").ShouldBe(2);
        (await client.TryGetEntityAsync("urn:Room:t", fiware: new FiwareContext("other", "/", null))).ShouldBeNull();
        (await client.CountEntitiesAsync(fiware: new FiwareContext("city", "/#", null))).ShouldBe(2);
    }

    [Fact]
    public async Task GetVersionAsync_reads_the_broker_version()
    {
        using var client = new NgsiV2Client(fixture.Options());

        var version = await client.GetVersionAsync();

        version.Version.ShouldNotBeNullOrEmpty();
        version.Raw["orion"]["version"].GetString().ShouldBe(version.Version);
    }
}
