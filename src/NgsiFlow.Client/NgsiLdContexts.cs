namespace NgsiFlow.Client;

/// <summary>Well-known JSON-LD contexts.</summary>
public static class NgsiLdContexts
{
    /// <summary>The NGSI-LD core context (ETSI GS CIM 009), the default of every NGSI-LD broker.</summary>
    public const string Core = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld";
}
