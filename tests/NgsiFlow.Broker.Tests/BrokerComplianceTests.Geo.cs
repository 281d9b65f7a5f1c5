using System.Net;
using System.Text.Json.Nodes;

namespace NgsiFlow.Broker.Tests;

/// <summary>Geographical queries and location attributes (orion-api.md "Geographical Queries"; functional cases
/// 1038_ngsiv2_geo_location_entities, 1177_geometry_and_coords, 1677_geo_location_for_api_v2, 1920_geojson), on both stores.</summary>
public abstract partial class BrokerComplianceTests
{
    private const string Madrid = "40.418889,-3.691944";

    [Theory]
    [InlineData("georel=near;maxDistance:13500&geometry=point&coords=" + Madrid, "Madrid,Leganes")]
    [InlineData("georel=near;maxDistance:15000&geometry=point&coords=" + Madrid, "Madrid,Alcobendas,Leganes")]
    [InlineData("georel=near;minDistance:13500&geometry=point&coords=" + Madrid, "Alcobendas")]
    [InlineData("georel=near;minDistance:0&geometry=point&coords=" + Madrid, "Madrid,Alcobendas,Leganes")]
    [InlineData("georel=near;maxDistance:15000&geometry=point&coords=" + Madrid + "&orderBy=geo:distance", "Madrid,Leganes,Alcobendas")]
    public async Task GeoQuery_near_a_point_matches_Orions_case(string query, string expected)
    {
        await CreateAsync("""{"id":"Madrid","type":"City","location":{"value":"40.418889, -3.691944","type":"geo:point"}}""");
        await CreateAsync("""{"id":"Alcobendas","type":"City","location":{"value":"40.533333, -3.633333","type":"geo:point"}}""");
        await CreateAsync("""{"id":"Leganes","type":"City","location":{"value":"40.316667, -3.75","type":"geo:point"}}""");

        (await IdsAsync("/v2/entities?" + query)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("georel=coveredBy&geometry=polygon&coords=0,0;0,6;6,6;6,0;0,0", "A,B")]
    [InlineData("georel=coveredBy&geometry=polygon&coords=3,3;3,8;11,8;11,3;3,3", "B,C")]
    [InlineData("georel=coveredBy&geometry=polygon&coords=0,0;0,6;6,0;0,0", "A")]
    [InlineData("georel=disjoint&geometry=polygon&coords=3,3;3,8;11,8;11,3;3,3", "A")]
    [InlineData("georel=disjoint&geometry=polygon&coords=0,0;0,6;6,0;0,0", "B,C,G")]
    [InlineData("georel=coveredBy&geometry=box&coords=0,0;6,6", "A,B")]
    [InlineData("georel=intersects&geometry=line&coords=5,0;5,10", "B,G")]
    [InlineData("georel=equals&geometry=point&coords=7,4", "C")]
    public async Task GeoQuery_shapes_match_Orions_cases(string query, string expected)
    {
        await CreateAsync("""{"id":"A","type":"Point","location":{"value":"3, 2","type":"geo:point"}}""");
        await CreateAsync("""{"id":"B","type":"Point","location":{"value":"5, 5","type":"geo:point"}}""");
        await CreateAsync("""{"id":"C","type":"Point","location":{"value":"7, 4","type":"geo:point"}}""");
        await CreateAsync("""{"id":"G","type":"Area","location":{"value":{"type":"Polygon","coordinates":[[[8,4],[9,4],[9,6],[8,6],[8,4]]]},"type":"geo:json"}}""");

        (await IdsAsync("/v2/entities?type=Point,Area&" + query)).ShouldBe(expected);
    }

    [Fact]
    public async Task GeoQuery_follows_updates_of_the_location_and_op_query_takes_the_expression()
    {
        await CreateAsync("""{"id":"Bus","type":"Vehicle","location":{"value":{"type":"Point","coordinates":[-3.691944,40.418889]},"type":"geo:json"}}""");
        (await IdsAsync("/v2/entities?georel=near;maxDistance:1000&geometry=point&coords=" + Madrid)).ShouldBe("Bus");

        (await SendAsync(HttpMethod.Patch, "/v2/entities/Bus/attrs", """{"location":{"value":{"type":"Point","coordinates":[2.17,41.38]},"type":"geo:json"}}""")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await IdsAsync("/v2/entities?georel=near;maxDistance:1000&geometry=point&coords=" + Madrid)).ShouldBe(string.Empty);
        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/op/query", """{"expression":{"georel":"near;maxDistance:2000","geometry":"point","coords":"41.38,2.17"}}""");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        body!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ShouldBe(["Bus"]);
    }

    [Theory]
    [InlineData("geometry=circle&coords=1,2&georel=intersects", "Invalid query: error parsing geometry: Invalid selector in geometry specification")]
    [InlineData("geometry=polygon", "Invalid query: URI param /geometry/ used without /coords/")]
    [InlineData("coords=1,2", "Invalid query: URI param /coords/ used without /geometry/")]
    [InlineData("georel=intersects", "Invalid query: URI param /georel/ used without /geometry/")]
    [InlineData("georel=intersects&geometry=polygon&coords=1,2;2,2", "Invalid query: Too few coordinates for polygon")]
    [InlineData("georel=near;maxDistance:10&geometry=point&coords=1,2;2,2", "Invalid query: invalid number of coordinates for /point/")]
    [InlineData("georel=near&geometry=point&coords=1.0,2.0", "Invalid query: georel /near/ without either minDistance nor maxDistance")]
    [InlineData("geometry=box&coords=1,2;3,4&georel=near;maxDistance:12", "Invalid query: georel /near/ used with geometry different than point")]
    [InlineData("geometry=point&coords=1,2,3", "Invalid query: invalid point in URI param /coords/")]
    [InlineData("geometry=line&coords=1,2", "Invalid query: invalid number of coordinates for /line/")]
    [InlineData("geometry=box&coords=1,2", "Invalid query: invalid number of coordinates for /box/")]
    [InlineData("geometry=box&coords=1,2;1,4", "Invalid query: box coordinates are not defining an actual box")]
    [InlineData("orderBy=geo:distance", "Orderby Distance but no near georel")]
    public async Task GeoQuery_with_bad_parameters_is_a_400_with_Orions_text(string query, string description)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/v2/entities?" + query);

        ShouldBeError(response, body, HttpStatusCode.BadRequest, "BadRequest", description);
    }

    [Theory]
    [InlineData("""{"id":"E","type":"T","a":{"value":"10, 10","type":"geo:point"},"b":{"value":"20, 20","type":"geo:point"}}""", 413, "NoResourcesAvailable", "You cannot use more than one geo location attribute when creating an entity. Use ignoreType metadata if you want to add additional informative locations.")]
    [InlineData("""{"id":"E","type":"T","a":{"value":"x","type":"geo:json"}}""", 400, "BadRequest", "geo:json needs an object or null as value")]
    [InlineData("""{"id":"E","type":"T","a":{"value":{"type":"Point","coordinates":[500,1]},"type":"geo:json"}}""", 400, "BadRequest", "Wrong GeoJson")]
    [InlineData("""{"id":"E","type":"T","a":{"value":["1, 1"],"type":"geo:line"}}""", 400, "BadRequest", "error parsing location attribute: geo:line uses at least 2 coordinates")]
    [InlineData("""{"id":"E","type":"T","a":{"value":["1, 1","2, 2","3, 3"],"type":"geo:box"}}""", 400, "BadRequest", "error parsing location attribute: geo:box uses exactly 2 coordinates")]
    [InlineData("""{"id":"E","type":"T","a":{"value":["1, 1","2, 2","3, 1","1, 2"],"type":"geo:polygon"}}""", 400, "BadRequest", "error parsing location attribute: geo:polygon first and last coordinates must match")]
    [InlineData("""{"id":"E","type":"T","a":{"value":"1, 1","type":"geo:line"}}""", 400, "BadRequest", "error parsing location attribute: geo:line, geo:box and geo:polygon needs array of strings as value")]
    public async Task Location_attribute_that_is_not_one_is_refused(string entity, int status, string error, string description)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/entities", entity);

        ShouldBeError(response, body, (HttpStatusCode)status, error, description);
        (await SendAsync(HttpMethod.Get, "/v2/entities/E")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Second_location_is_allowed_with_ignoreType_and_refused_by_an_append_without_it()
    {
        await CreateAsync("""{"id":"H","type":"Hospital","location":{"value":"40.48, -3.68","type":"geo:point"},"area":{"value":["40.49, -3.69","40.50, -3.68"],"type":"geo:line","metadata":{"ignoreType":{"value":true,"type":"Boolean"}}}}""");

        var (response, body) = await SendAsync(HttpMethod.Post, "/v2/entities/H/attrs", """{"other":{"value":"1, 1","type":"geo:point"}}""");

        ShouldBeError(response, body, HttpStatusCode.RequestEntityTooLarge, "NoResourcesAvailable", "You cannot use more than one geo location attribute when creating an entity. Use ignoreType metadata if you want to add additional informative locations.");
        response.ReasonPhrase.ShouldBe("Content Too Large");
        var (again, _) = await SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"H","type":"Hospital"}""");
        again.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        again.ReasonPhrase.ShouldBe("Unprocessable Content");
        (await IdsAsync("/v2/entities?georel=near;maxDistance:5000&geometry=point&coords=40.48,-3.68")).ShouldBe("H");
    }

    private async Task<string> IdsAsync(string path)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
        return string.Join(",", body!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
    }
}
