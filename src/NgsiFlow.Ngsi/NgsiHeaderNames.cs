namespace NgsiFlow.Ngsi;

/// <summary>Names of the headers FIWARE brokers send and read (match them case-insensitively).</summary>
public static class NgsiHeaderNames
{
    /// <summary>NGSI-v2 tenant.</summary>
    public const string FiwareService = "Fiware-Service";

    /// <summary>NGSI-v2 service path.</summary>
    public const string FiwareServicePath = "Fiware-ServicePath";

    /// <summary>Request correlator; Orion sends <c>uuid; cbnotif=n</c> on notifications.</summary>
    public const string FiwareCorrelator = "Fiware-Correlator";

    /// <summary>NGSI-LD tenant.</summary>
    public const string NgsiLdTenant = "NGSILD-Tenant";

    /// <summary>Orion's notification format header (normalized, keyValues, values, ..., custom).</summary>
    public const string Ngsiv2AttrsFormat = "Ngsiv2-AttrsFormat";

    /// <summary>Orion-LD's notification format header (Normalized, Concise, Simplified).</summary>
    public const string NgsiLdAttributeFormat = "Ngsild-Attribute-Format";

    /// <summary>JSON-LD context link.</summary>
    public const string Link = "Link";

    /// <summary>Content type.</summary>
    public const string ContentType = "Content-Type";
}
