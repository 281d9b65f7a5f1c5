namespace NgsiFlow.Client;

/// <summary>A query of the NGSI-LD temporal API (<c>GET /ngsi-ld/v1/temporal/entities</c>).</summary>
public sealed class NgsiLdTemporalQuery
{
    /// <summary>Entity ids (<c>id</c>).</summary>
    public IReadOnlyList<string>? Ids { get; init; }

    /// <summary>Entity types (<c>type</c>).</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>A regular expression on ids (<c>idPattern</c>).</summary>
    public string? IdPattern { get; init; }

    /// <summary>An NGSI-LD query (<c>q</c>).</summary>
    public string? Q { get; init; }

    /// <summary>The attributes to return (<c>attrs</c>); null for all.</summary>
    public IReadOnlyList<string>? Attrs { get; init; }

    /// <summary>The time relation (<c>timerel</c>); null for no time filter.</summary>
    public NgsiLdTimeRelation? TimeRelation { get; init; }

    /// <summary>The instant of <c>before</c>/<c>after</c>, the start of <c>between</c> (<c>timeAt</c>).</summary>
    public DateTimeOffset? TimeAt { get; init; }

    /// <summary>The end of <c>between</c> (<c>endTimeAt</c>).</summary>
    public DateTimeOffset? EndTimeAt { get; init; }

    /// <summary>The time property filtered on (<c>timeproperty</c>): <c>observedAt</c> (default), <c>createdAt</c>, <c>modifiedAt</c>.</summary>
    public string? TimeProperty { get; init; }

    /// <summary>Only the last N instances of each attribute (<c>lastN</c>).</summary>
    public int? LastN { get; init; }

    /// <summary>Ask for the simplified temporal representation (<c>options=temporalValues</c>): value/time pairs.</summary>
    public bool TemporalValues { get; init; }

    /// <summary>Entities per request (<c>limit</c>, 1 to 1000). Default 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where to start (<c>offset</c>).</summary>
    public int Offset { get; init; }

    /// <summary>Stop after this many entities; null (default) reads every page.</summary>
    public int? MaxResults { get; init; }

    internal void Check(bool single)
    {
        if (!single && Ids is not { Count: > 0 } && Types is not { Count: > 0 } && IdPattern is null && Q is null && Attrs is not { Count: > 0 })
        {
            throw new ArgumentException("NgsiLdTemporalQuery: NGSI-LD needs at least one of Ids, Types, IdPattern, Q or Attrs.");
        }

        if (TimeRelation is { } relation)
        {
            if (!Enum.IsDefined(relation))
            {
                throw new ArgumentException($"NgsiLdTemporalQuery.TimeRelation is not a known relation (was {(int)relation}).");
            }

            if (TimeAt is null)
            {
                throw new ArgumentException("NgsiLdTemporalQuery.TimeAt is required with a TimeRelation.");
            }

            if (relation == NgsiLdTimeRelation.Between && EndTimeAt is null)
            {
                throw new ArgumentException("NgsiLdTemporalQuery.EndTimeAt is required when TimeRelation is Between.");
            }

            if (relation == NgsiLdTimeRelation.Between && EndTimeAt <= TimeAt)
            {
                throw new ArgumentException($"NgsiLdTemporalQuery.EndTimeAt ({EndTimeAt:O}) must be after TimeAt ({TimeAt:O}).");
            }
        }
        else if (TimeAt is not null || EndTimeAt is not null)
        {
            throw new ArgumentException("NgsiLdTemporalQuery.TimeAt and EndTimeAt need a TimeRelation.");
        }

        if (LastN is < 1)
        {
            throw new ArgumentException($"NgsiLdTemporalQuery.LastN must be at least 1 (was {LastN}).");
        }

        if (PageSize is < 1 or > 1000)
        {
            throw new ArgumentException($"NgsiLdTemporalQuery.PageSize must be between 1 and 1000 (was {PageSize}).");
        }

        if (Offset < 0)
        {
            throw new ArgumentException($"NgsiLdTemporalQuery.Offset must not be negative (was {Offset}).");
        }
    }
}
