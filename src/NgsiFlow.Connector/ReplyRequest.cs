using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>Where a blueprint, template or raw write-back goes: method and path on the replier's broker.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path relative to the broker, for example <c>/v2/entities/Room1/attrs</c>.</param>
public sealed record ReplyRequest(HttpMethod Method, string Path)
{
    /// <summary>The body's content type. Default <c>application/json</c>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Tenant, service path and correlator to send; the broker connection's default when null.</summary>
    public FiwareContext? Fiware { get; init; }

    /// <summary>A PATCH.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The request.</returns>
    public static ReplyRequest Patch(string path) => new(HttpMethod.Patch, path);

    /// <summary>A POST.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The request.</returns>
    public static ReplyRequest Post(string path) => new(HttpMethod.Post, path);

    /// <summary>A PUT.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The request.</returns>
    public static ReplyRequest Put(string path) => new(HttpMethod.Put, path);
}
