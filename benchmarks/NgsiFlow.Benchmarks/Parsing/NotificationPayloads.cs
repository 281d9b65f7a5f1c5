using System.Globalization;
using System.Text;

namespace NgsiFlow.Benchmarks.Parsing;

/// <summary>Deterministic notification bodies shaped like what Orion and Orion-LD send.</summary>
public static class NotificationPayloads
{
    /// <summary>One NGSI-v2 entity with 10 attributes of the usual kinds (numbers, text, date, geo:json, metadata).</summary>
    public static byte[] V2TenAttributes() => Encoding.UTF8.GetBytes(
        "{\"subscriptionId\":\"5f0c8f1a2b3c4d5e6f708192\",\"data\":[" + V2Entity(0) + "]}");

    /// <summary>100 NGSI-v2 entities with 10 attributes each.</summary>
    public static byte[] V2HundredEntities()
    {
        var sb = new StringBuilder("{\"subscriptionId\":\"5f0c8f1a2b3c4d5e6f708192\",\"data\":[");
        for (var i = 0; i < 100; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(V2Entity(i));
        }

        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }

    /// <summary>An NGSI-LD normalized notification: 10 entities, each with properties carrying sub-properties.</summary>
    public static byte[] LdNormalizedWithSubProperties()
    {
        var sb = new StringBuilder("{\"id\":\"urn:ngsi-ld:Notification:6d1c7b4e-8f2a-11ef-9c3b-0242ac120004\",\"type\":\"Notification\",\"subscriptionId\":\"urn:ngsi-ld:Subscription:s1\",\"notifiedAt\":\"2024-10-21T10:15:30.123Z\",\"data\":[");
        for (var i = 0; i < 10; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var n = i.ToString(CultureInfo.InvariantCulture);
            sb.Append("{\"id\":\"urn:ngsi-ld:WeatherObserved:station-").Append(n).Append("\",\"type\":\"WeatherObserved\",")
              .Append("\"temperature\":{\"type\":\"Property\",\"value\":21.").Append(n).Append(",\"unitCode\":\"CEL\",\"observedAt\":\"2024-10-21T10:15:00.000Z\",")
              .Append("\"accuracy\":{\"type\":\"Property\",\"value\":0.5,\"unitCode\":\"CEL\"},\"sensor\":{\"type\":\"Relationship\",\"object\":\"urn:ngsi-ld:Device:t-").Append(n).Append("\"}},")
              .Append("\"relativeHumidity\":{\"type\":\"Property\",\"value\":0.6").Append(n).Append(",\"observedAt\":\"2024-10-21T10:15:00.000Z\",\"accuracy\":{\"type\":\"Property\",\"value\":0.02}},")
              .Append("\"atmosphericPressure\":{\"type\":\"Property\",\"value\":1013.").Append(n).Append(",\"unitCode\":\"HPA\",\"observedAt\":\"2024-10-21T10:15:00.000Z\"},")
              .Append("\"windSpeed\":{\"type\":\"Property\",\"value\":3.").Append(n).Append(",\"unitCode\":\"MTS\",\"observedAt\":\"2024-10-21T10:15:00.000Z\"},")
              .Append("\"name\":{\"type\":\"LanguageProperty\",\"languageMap\":{\"en\":\"Station ").Append(n).Append("\",\"es\":\"Estación ").Append(n).Append("\"}},")
              .Append("\"refDevice\":{\"type\":\"Relationship\",\"object\":\"urn:ngsi-ld:Device:d-").Append(n).Append("\",\"observedAt\":\"2024-10-21T10:15:00.000Z\"},")
              .Append("\"location\":{\"type\":\"GeoProperty\",\"value\":{\"type\":\"Point\",\"coordinates\":[-3.7").Append(n).Append(",40.4").Append(n).Append("]}}}");
        }

        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }

    private static string V2Entity(int i)
    {
        var n = i.ToString(CultureInfo.InvariantCulture);
        return "{\"id\":\"urn:ngsi-ld:AirQualityObserved:" + n + "\",\"type\":\"AirQualityObserved\","
            + "\"temperature\":{\"type\":\"Number\",\"value\":21." + n + ",\"metadata\":{\"TimeInstant\":{\"type\":\"DateTime\",\"value\":\"2024-10-21T10:15:00.000Z\"}}},"
            + "\"relativeHumidity\":{\"type\":\"Number\",\"value\":0.6" + n + ",\"metadata\":{}},"
            + "\"no2\":{\"type\":\"Number\",\"value\":" + (40 + i).ToString(CultureInfo.InvariantCulture) + ",\"metadata\":{\"unitCode\":{\"type\":\"Text\",\"value\":\"GQ\"}}},"
            + "\"co\":{\"type\":\"Number\",\"value\":0.4" + n + ",\"metadata\":{}},"
            + "\"o3\":{\"type\":\"Number\",\"value\":" + (60 + i).ToString(CultureInfo.InvariantCulture) + ",\"metadata\":{}},"
            + "\"airQualityLevel\":{\"type\":\"Text\",\"value\":\"moderate\",\"metadata\":{}},"
            + "\"reliability\":{\"type\":\"Number\",\"value\":0.9,\"metadata\":{}},"
            + "\"dateObserved\":{\"type\":\"DateTime\",\"value\":\"2024-10-21T10:15:00.000Z\",\"metadata\":{}},"
            + "\"location\":{\"type\":\"geo:json\",\"value\":{\"type\":\"Point\",\"coordinates\":[-3.7" + n + ",40.4" + n + "]},\"metadata\":{}},"
            + "\"refDevice\":{\"type\":\"Relationship\",\"value\":\"urn:ngsi-ld:Device:" + n + "\",\"metadata\":{}}}";
    }
}
