using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>What <c>GET /v2/entities</c> returns: filters, projection and paging.</summary>
public sealed class NgsiV2EntityQuery
{
    /// <summary>Entity ids (<c>id=a,b</c>); excludes <see cref="IdPattern"/>.</summary>
    public IReadOnlyList<string>? Ids { get; init; }

    /// <summary>Entity types (<c>type=A,B</c>); excludes <see cref="TypePattern"/>.</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>A regular expression on ids (<c>idPattern</c>).</summary>
    public string? IdPattern { get; init; }

    /// <summary>A regular expression on types (<c>typePattern</c>).</summary>
    public string? TypePattern { get; init; }

    /// <summary>A simple query language filter on attributes (<c>q</c>), e.g. <c>temperature&gt;20;status==on</c>.</summary>
    public string? Q { get; init; }

    /// <summary>A filter on metadata (<c>mq</c>).</summary>
    public string? Mq { get; init; }

    /// <summary>The attributes to return (<c>attrs</c>); null for all.</summary>
    public IReadOnlyList<string>? Attrs { get; init; }

    /// <summary>The metadata to return (<c>metadata</c>); null for the default.</summary>
    public IReadOnlyList<string>? Metadata { get; init; }

    /// <summary>Sort order (<c>orderBy</c>), e.g. <c>temperature,!dateCreated</c>.</summary>
    public string? OrderBy { get; init; }

    /// <summary>Normalized (default) or <c>options=keyValues</c>.</summary>
    public NgsiV2Representation Representation { get; init; } = NgsiV2Representation.Normalized;

    /// <summary>Entities per request (<c>limit</c>, 1 to 1000). Default 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where to start (<c>offset</c>). Default 0.</summary>
    public int Offset { get; init; }

    /// <summary>Stop after this many entities; null (default) reads every page.</summary>
    public int? MaxResults { get; init; }

    internal void Check()
    {
        if (Ids is { Count: > 0 } && IdPattern is not null)
        {
            throw new ArgumentException("NgsiV2EntityQuery: give Ids or IdPattern, not both.");
        }

        if (Types is { Count: > 0 } && TypePattern is not null)
        {
            throw new ArgumentException("NgsiV2EntityQuery: give Types or TypePattern, not both.");
        }

        if (PageSize is < 1 or > 1000)
        {
            throw new ArgumentException($"NgsiV2EntityQuery.PageSize must be between 1 and 1000 (was {PageSize}).");
        }

        if (Offset < 0)
        {
            throw new ArgumentException($"NgsiV2EntityQuery.Offset must not be negative (was {Offset}).");
        }

        if (MaxResults is < 0)
        {
            throw new ArgumentException($"NgsiV2EntityQuery.MaxResults must not be negative (was {MaxResults}).");
        }
    }
}
