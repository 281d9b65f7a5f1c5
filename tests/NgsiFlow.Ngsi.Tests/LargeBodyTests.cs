using System.Globalization;
using System.Text;

namespace NgsiFlow.Ngsi.Tests;

public class LargeBodyTests
{
    private static byte[] ManyEntities(int targetBytes, out int count)
    {
        var sb = new StringBuilder("{\"subscriptionId\":\"5f0c8f1a2b3c4d5e6f708192\",\"data\":[");
        count = 0;
        while (sb.Length < targetBytes)
        {
            if (count > 0)
            {
                sb.Append(',');
            }

            var n = count.ToString(CultureInfo.InvariantCulture);
            sb.Append("{\"id\":\"Room").Append(n).Append("\",\"type\":\"Room\",\"temperature\":{\"type\":\"Number\",\"value\":").Append(n)
              .Append(",\"metadata\":{}},\"name\":{\"type\":\"Text\",\"value\":\"room number ").Append(n).Append("\",\"metadata\":{}}}");
            count++;
        }

        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(8 << 20)]
    public void Parse_bodyOfManyMegabytes_keepsEveryEntity(int size)
    {
        var body = ManyEntities(size, out var count);
        body.Length.ShouldBeGreaterThanOrEqualTo(size);
        var n = NotificationParser.Parse(body, NotificationHeaders.From(("Ngsiv2-AttrsFormat", "normalized"))).ShouldBeOfType<NgsiV2Notification>();
        n.Entities.Count.ShouldBe(count);
        var last = n.Entities[^1];
        last.Id.ShouldBe("Room" + (count - 1).ToString(CultureInfo.InvariantCulture));
        last.GetNumber("temperature").ShouldBe(count - 1);
        last.GetString("name").ShouldBe("room number " + (count - 1).ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(8 << 20)]
    public void Parse_singleHugeStringValue_isKeptWhole(int size)
    {
        var text = string.Create(size, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + (i % 26));
            }
        });
        var body = Encoding.UTF8.GetBytes("{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"E\",\"type\":\"T\",\"blob\":{\"type\":\"Text\",\"value\":\"" + text + "\"}}]}");
        var n = NotificationParser.Parse(body).ShouldBeOfType<NgsiV2Notification>();
        var value = n.Entities[0].GetString("blob");
        value.Length.ShouldBe(size);
        value.ShouldBe(text);
    }

    [Fact]
    public void Parse_ldBodyOverOneMegabyte_keepsEveryEntity()
    {
        var sb = new StringBuilder("{\"id\":\"urn:n\",\"type\":\"Notification\",\"data\":[");
        var count = 0;
        while (sb.Length < (1 << 20) + 1000)
        {
            if (count > 0)
            {
                sb.Append(',');
            }

            sb.Append("{\"id\":\"urn:E").Append(count).Append("\",\"type\":\"T\",\"p\":{\"type\":\"Property\",\"value\":").Append(count)
              .Append(",\"observedAt\":\"2024-01-01T00:00:00.000Z\",\"s\":{\"type\":\"Property\",\"value\":\"x\"}}}");
            count++;
        }

        var n = NotificationParser.Parse(Encoding.UTF8.GetBytes(sb.Append("]}").ToString())).ShouldBeOfType<NgsiLdNotification>();
        n.Entities.Count.ShouldBe(count);
        n.Entities[^1].GetNumber("p").ShouldBe(count - 1);
    }

    [Fact]
    public void Parse_entityWithThousandsOfAttributes_keepsThemAllInOrder()
    {
        var attrs = string.Join(",", Enumerable.Range(0, 5000).Select(i => $"\"a{i}\":{{\"type\":\"Number\",\"value\":{i}}}"));
        var body = Encoding.UTF8.GetBytes("{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"Wide\",\"type\":\"T\"," + attrs + "},{\"id\":\"Narrow\",\"type\":\"T\",\"x\":{\"value\":1}}]}");
        var n = NotificationParser.Parse(body).ShouldBeOfType<NgsiV2Notification>();
        n.Entities[0].Attributes.Count.ShouldBe(5000);
        n.Entities[0].Attributes[4999].Name.ShouldBe("a4999");
        n.Entities[0].GetNumber("a1234").ShouldBe(1234);
        n.Entities[1].Attributes.ShouldHaveSingleItem().Name.ShouldBe("x");
    }
}
