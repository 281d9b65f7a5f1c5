using System.Text.Json;
using BenchmarkDotNet.Attributes;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Benchmarks.Parsing;

/// <summary>Common shape: parse into the NGSI model versus a bare JsonDocument.Parse of the same bytes.</summary>
[MemoryDiagnoser]
public abstract class NotificationParsingBenchmark
{
    private byte[] _body = [];
    private NotificationHeaders _headers = new();

    protected abstract byte[] CreateBody();

    protected abstract NotificationHeaders CreateHeaders();

    [GlobalSetup]
    public void Setup()
    {
        _body = CreateBody();
        _headers = CreateHeaders();
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse")]
    public JsonValueKind JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_body);
        return document.RootElement.ValueKind;
    }

    [Benchmark(Description = "NotificationParser.Parse")]
    public NgsiNotification NgsiParse() => NotificationParser.Parse(_body, _headers);
}

/// <summary>One NGSI-v2 entity with 10 attributes (889 bytes).</summary>
public class V2TenAttributeNotification : NotificationParsingBenchmark
{
    protected override byte[] CreateBody() => NotificationPayloads.V2TenAttributes();

    protected override NotificationHeaders CreateHeaders() =>
        NotificationHeaders.From(("Fiware-Service", "smartcity"), ("Fiware-Servicepath", "/madrid"), ("Ngsiv2-AttrsFormat", "normalized"));
}

/// <summary>100 NGSI-v2 entities with 10 attributes each (about 84 KB).</summary>
public class V2HundredEntityNotification : NotificationParsingBenchmark
{
    protected override byte[] CreateBody() => NotificationPayloads.V2HundredEntities();

    protected override NotificationHeaders CreateHeaders() =>
        NotificationHeaders.From(("Fiware-Service", "smartcity"), ("Fiware-Servicepath", "/madrid"), ("Ngsiv2-AttrsFormat", "normalized"));
}

/// <summary>NGSI-LD normalized, about 9.6 KB: 10 entities with sub-properties, relationships, a LanguageProperty and a GeoProperty.</summary>
public class LdNormalizedNotification : NotificationParsingBenchmark
{
    protected override byte[] CreateBody() => NotificationPayloads.LdNormalizedWithSubProperties();

    protected override NotificationHeaders CreateHeaders() =>
        NotificationHeaders.From(("NGSILD-Tenant", "smartcity"), ("Ngsild-Attribute-Format", "Normalized"),
            ("Link", "<https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\""));
}
