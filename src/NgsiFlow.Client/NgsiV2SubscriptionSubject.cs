namespace NgsiFlow.Client;

/// <summary>The <c>subject</c> of an NGSI-v2 subscription.</summary>
public sealed record NgsiV2SubscriptionSubject
{
    /// <summary>The entities to watch (at least one).</summary>
    public IReadOnlyList<NgsiV2EntitySelector> Entities { get; init; } = [];

    /// <summary>Which changes trigger a notification; null for any change.</summary>
    public NgsiV2SubscriptionCondition? Condition { get; init; }
}
