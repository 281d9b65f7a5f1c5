using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>The body and paging of <c>POST /v2/op/query</c>.</summary>
public sealed class NgsiV2BatchQuery
{
    /// <summary>The entities to match (any of them).</summary>
    public IReadOnlyList<NgsiV2EntitySelector> Entities { get; init; } = [];

    /// <summary>The attributes to return; null for all.</summary>
    public IReadOnlyList<string>? Attrs { get; init; }

    /// <summary>The metadata to return; null for the default.</summary>
    public IReadOnlyList<string>? Metadata { get; init; }

    /// <summary>A filter on attributes (<c>expression.q</c>).</summary>
    public string? Q { get; init; }

    /// <summary>A filter on metadata (<c>expression.mq</c>).</summary>
    public string? Mq { get; init; }

    /// <summary>Normalized (default) or keyValues.</summary>
    public NgsiV2Representation Representation { get; init; } = NgsiV2Representation.Normalized;

    /// <summary>Entities per request (1 to 1000). Default 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where to start. Default 0.</summary>
    public int Offset { get; init; }

    /// <summary>Stop after this many entities; null (default) reads every page.</summary>
    public int? MaxResults { get; init; }

    internal void Check()
    {
        for (var i = 0; i < Entities.Count; i++)
        {
            Entities[i].Check($"NgsiV2BatchQuery.Entities[{i}]");
        }

        if (PageSize is < 1 or > 1000)
        {
            throw new ArgumentException($"NgsiV2BatchQuery.PageSize must be between 1 and 1000 (was {PageSize}).");
        }

        if (Offset < 0)
        {
            throw new ArgumentException($"NgsiV2BatchQuery.Offset must not be negative (was {Offset}).");
        }
    }
}
