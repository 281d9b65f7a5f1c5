using System.Text;
using NgsiFlow.Broker.Internal;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;

namespace NgsiFlow.Broker.Tests;

/// <summary>The Simple Query Language (q and mq) on one entity, statement by statement.</summary>
public sealed class SimpleQueryTests
{
    private static readonly Entity Room = Build("""
        {"id":"R1","type":"Room",
         "temperature":{"value":23.5,"metadata":{"accuracy":{"value":0.8},"unit":{"value":"CEL"}}},
         "color":{"value":"light,green"},
         "name":{"value":"yellow"},
         "count":{"value":20},
         "title":{"value":"20"},
         "on":{"value":true},
         "tags":{"value":["a","b"]},
         "address":{"value":{"city":"Madrid","zip":28050,"a.b":{"c":1}}},
         "seen":{"value":"2024-06-17T07:21:24.238Z","type":"DateTime"}}
        """);

    private static Entity Build(string json)
    {
        var parsed = PayloadReader.ReadEntity(JsonValues.Parse(Encoding.UTF8.GetBytes(json)), keyValues: false);
        var entity = new Entity(parsed.Id, parsed.Type!, "/") { Created = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), Modified = new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc) };
        foreach (var a in parsed.Attributes)
        {
            entity.Attributes[a.Name] = new NgsiAttribute(a.Name, a.Type ?? NgsiAttribute.DefaultType(a.Value), a.Value, a.Metadata);
        }

        return entity;
    }

    [Theory]
    [InlineData("temperature==23.5", true)]
    [InlineData("temperature:23.5", true)]
    [InlineData("temperature==24", false)]
    [InlineData("temperature!=24", true)]
    [InlineData("temperature>23", true)]
    [InlineData("temperature>=23.5", true)]
    [InlineData("temperature<23.5", false)]
    [InlineData("temperature<=23.5", true)]
    [InlineData("temperature==20..25", true)]
    [InlineData("temperature==24..25", false)]
    [InlineData("temperature!=24..25", true)]
    [InlineData("count==10,20,30", true)]
    [InlineData("count!=10,20,30", false)]
    [InlineData("name==yellow", true)]
    [InlineData("name~=ow", true)]
    [InlineData("name~=^b", false)]
    [InlineData("name>x", true)]
    [InlineData("name==a..z", true)]
    [InlineData("color=='light,green'", true)]
    [InlineData("color=='light,green','deep,blue'", true)]
    [InlineData("color==light", false)]
    [InlineData("title=='20'", true)]
    [InlineData("count=='20'", false)]
    [InlineData("on==true", true)]
    [InlineData("on==false", false)]
    [InlineData("tags==b", true)]
    [InlineData("tags==c", false)]
    [InlineData("address.city==Madrid", true)]
    [InlineData("address.zip>28000", true)]
    [InlineData("address.'a.b'.c==1", true)]
    [InlineData("address.country", false)]
    [InlineData("temperature", true)]
    [InlineData("!temperature", false)]
    [InlineData("!pressure", true)]
    [InlineData("pressure>1", false)]
    [InlineData("seen>2024-01-01T00:00:00Z", true)]
    [InlineData("seen<2024-01-01", false)]
    [InlineData("seen==2024-06-01..2024-07-01", true)]
    [InlineData("dateCreated<2024-01-15T00:00:00Z", true)]
    [InlineData("dateModified<2024-01-15T00:00:00Z", false)]
    [InlineData("temperature>20;name==yellow;on", true)]
    [InlineData("temperature>20;name==red", false)]
    public void Q_statement_matches_as_orion_documents(string q, bool expected)
    {
        SimpleQuery.Parse(q, metadata: false).Matches(Room).ShouldBe(expected, q);
    }

    [Theory]
    [InlineData("temperature.accuracy<0.9", true)]
    [InlineData("temperature.accuracy>0.9", false)]
    [InlineData("temperature.unit==CEL", true)]
    [InlineData("temperature.unit", true)]
    [InlineData("!temperature.precision", true)]
    [InlineData("temperature.accuracy==0.5..1", true)]
    public void Mq_statement_matches_metadata(string mq, bool expected)
    {
        SimpleQuery.Parse(mq, metadata: true).Matches(Room).ShouldBe(expected, mq);
    }

    [Theory]
    [InlineData("temperature==", "empty right-hand-side in q-item")]
    [InlineData(";", "empty q-item")]
    [InlineData("name~=(", "invalid regular expression in q-item")]
    public void Q_invalid_expression_throws_bad_request(string q, string description)
    {
        var error = Should.Throw<OrionException>(() => SimpleQuery.Parse(q, metadata: false));

        error.Status.ShouldBe(400);
        error.Error.ShouldBe("BadRequest");
        error.Description.ShouldBe(description);
    }

    [Fact]
    public void Mq_without_metadata_name_throws_bad_request()
    {
        Should.Throw<OrionException>(() => SimpleQuery.Parse("temperature<1", metadata: true)).Status.ShouldBe(400);
    }
}
