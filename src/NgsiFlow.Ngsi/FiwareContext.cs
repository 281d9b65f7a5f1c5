namespace NgsiFlow.Ngsi;

/// <summary>Where a notification comes from: tenant, service path and correlator, taken from the headers.</summary>
/// <param name="Tenant">The tenant (<c>Fiware-Service</c> or <c>NGSILD-Tenant</c>); empty for the default tenant.</param>
/// <param name="ServicePath">The service path (<c>Fiware-ServicePath</c>); <c>/</c> when absent.</param>
/// <param name="Correlator">The <c>Fiware-Correlator</c> header value, when present.</param>
public sealed record FiwareContext(string Tenant, string ServicePath, string? Correlator)
{
    /// <summary>The default tenant and root service path.</summary>
    public static FiwareContext Default { get; } = new(string.Empty, "/", null);

    /// <summary>True when no tenant was given (the broker's default tenant).</summary>
    public bool IsDefaultTenant => Tenant.Length == 0;

    /// <summary>
    /// Reads tenant, service path and correlator from headers. For NGSI-LD, <c>NGSILD-Tenant</c> wins over
    /// <c>Fiware-Service</c>; for NGSI-v2 the other way round. Header names are matched case-insensitively.
    /// </summary>
    /// <param name="headers">The headers.</param>
    /// <param name="preferLd">True for NGSI-LD notifications.</param>
    public static FiwareContext FromHeaders(NotificationHeaders headers, bool preferLd = false)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var v2 = headers.Get(NgsiHeaderNames.FiwareService);
        var ld = headers.Get(NgsiHeaderNames.NgsiLdTenant);
        var tenant = (preferLd ? ld ?? v2 : v2 ?? ld) ?? string.Empty;
        var path = headers.Get(NgsiHeaderNames.FiwareServicePath);
        if (string.IsNullOrEmpty(path))
        {
            path = "/";
        }

        return new FiwareContext(tenant, path, headers.Get(NgsiHeaderNames.FiwareCorrelator));
    }
}
