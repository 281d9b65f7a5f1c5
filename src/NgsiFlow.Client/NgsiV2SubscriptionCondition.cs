namespace NgsiFlow.Client;

/// <summary>The <c>subject.condition</c> of an NGSI-v2 subscription.</summary>
public sealed record NgsiV2SubscriptionCondition
{
    /// <summary>Attributes whose change triggers a notification; empty or null for any.</summary>
    public IReadOnlyList<string>? Attrs { get; init; }

    /// <summary><c>expression.q</c>: a filter on attributes.</summary>
    public string? Q { get; init; }

    /// <summary><c>expression.mq</c>: a filter on metadata.</summary>
    public string? Mq { get; init; }

    /// <summary><c>expression.georel</c>.</summary>
    public string? Georel { get; init; }

    /// <summary><c>expression.geometry</c>.</summary>
    public string? Geometry { get; init; }

    /// <summary><c>expression.coords</c>.</summary>
    public string? Coords { get; init; }

    /// <summary><c>alterationTypes</c>: <c>entityCreate</c>, <c>entityUpdate</c>, <c>entityChange</c>, <c>entityDelete</c>.</summary>
    public IReadOnlyList<string>? AlterationTypes { get; init; }

    /// <summary><c>notifyOnMetadataChange</c> (true when not given).</summary>
    public bool? NotifyOnMetadataChange { get; init; }
}
