using Microsoft.AspNetCore.Http;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>
/// Cross-origin resource sharing as Orion's <c>-corsOrigin</c>/<c>-corsMaxAge</c> do it: a request whose
/// <c>Origin</c> is the allowed one (any, for <c>__ALL</c>) gets <c>Access-Control-Allow-Origin</c> and
/// <c>Access-Control-Expose-Headers</c>; a preflight (<c>OPTIONS</c>) also gets the resource's methods, the allowed
/// request headers and the max age. Any other request gets no CORS header at all.
/// </summary>
internal sealed class OrionCors(string? allowedOrigin, int maxAgeSeconds)
{
    private const string AllowedHeaders = "Authorization, Content-Type, Fiware-Service, Fiware-Servicepath, Ngsiv2-AttrsFormat, Fiware-Correlator, X-Forwarded-For, X-Real-IP, X-Auth-Token";
    private const string ExposedHeaders = "Fiware-Correlator, Fiware-Total-Count, Location";
    private readonly string _maxAge = maxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether CORS is on (then every known path answers OPTIONS).</summary>
    public bool Enabled => allowedOrigin is not null;

    /// <summary>Adds the origin headers when the request's origin is allowed; false when it is not (or CORS is off).</summary>
    public bool Apply(HttpContext context)
    {
        if (allowedOrigin is null)
        {
            return false;
        }

        var origin = context.Request.Headers.Origin.ToString();
        var any = allowedOrigin is "__ALL" or "*";
        if (origin.Length == 0 || (!any && !string.Equals(origin, allowedOrigin, StringComparison.Ordinal)))
        {
            return false;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = any ? "*" : allowedOrigin;
        headers.AccessControlExposeHeaders = ExposedHeaders;
        return true;
    }

    /// <summary>Answers a preflight for a resource that allows <paramref name="methods"/> (OPTIONS included).</summary>
    public void Preflight(HttpContext context, string methods)
    {
        if (Apply(context))
        {
            var headers = context.Response.Headers;
            headers.AccessControlAllowMethods = methods;
            headers.AccessControlAllowHeaders = AllowedHeaders;
            headers.AccessControlMaxAge = _maxAge;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentLength = 0;
    }
}
