using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>What <c>GET /ngsi-ld/v1/entities</c> returns: filters, projection and paging.</summary>
public sealed class NgsiLdEntityQuery
{
    /// <summary>Entity ids (<c>id=a,b</c>).</summary>
    public IReadOnlyList<string>? Ids { get; init; }

    /// <summary>Entity types (<c>type=A,B</c>).</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>A regular expression on ids (<c>idPattern</c>).</summary>
    public string? IdPattern { get; init; }

    /// <summary>An NGSI-LD query (<c>q</c>), e.g. <c>temperature&gt;20</c>.</summary>
    public string? Q { get; init; }

    /// <summary>The attributes to return (<c>attrs</c>); null for all.</summary>
    public IReadOnlyList<string>? Attrs { get; init; }

    /// <summary>A geo-query relation (<c>georel</c>), e.g. <c>near;maxDistance==2000</c>.</summary>
    public string? Georel { get; init; }

    /// <summary>The geo-query geometry (<c>geometry</c>), e.g. <c>Point</c>.</summary>
    public string? Geometry { get; init; }

    /// <summary>The geo-query coordinates (<c>coordinates</c>), e.g. <c>[-3.7,40.4]</c>.</summary>
    public string? Coordinates { get; init; }

    /// <summary>Normalized (default), concise (<c>options=concise</c>) or simplified (<c>options=keyValues</c>).</summary>
    public NgsiLdRepresentation Representation { get; init; } = NgsiLdRepresentation.Normalized;

    /// <summary>Entities per request (<c>limit</c>, 1 to 1000). Default 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where to start (<c>offset</c>). Default 0.</summary>
    public int Offset { get; init; }

    /// <summary>Stop after this many entities; null (default) reads every page.</summary>
    public int? MaxResults { get; init; }

    internal void Check(string what)
    {
        if (Ids is not { Count: > 0 } && Types is not { Count: > 0 } && IdPattern is null && Q is null && Attrs is not { Count: > 0 } && Georel is null)
        {
            throw new ArgumentException($"{what}: NGSI-LD needs at least one of Ids, Types, IdPattern, Q, Attrs or a geo-query.");
        }

        if (PageSize is < 1 or > 1000)
        {
            throw new ArgumentException($"{what}.PageSize must be between 1 and 1000 (was {PageSize}).");
        }

        if (Offset < 0)
        {
            throw new ArgumentException($"{what}.Offset must not be negative (was {Offset}).");
        }

        if (MaxResults is < 0)
        {
            throw new ArgumentException($"{what}.MaxResults must not be negative (was {MaxResults}).");
        }
    }
}
