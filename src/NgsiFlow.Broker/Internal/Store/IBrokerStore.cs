using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal.Store;

/// <summary>
/// Where the broker keeps its data. Every store serves reads from <see cref="Index"/> (indexed by tenant, id, type
/// and service path); a durable store also writes each change through before the request is answered, and loads
/// everything back into the index at start.
/// </summary>
internal interface IBrokerStore : IAsyncDisposable
{
    EntityIndex Index { get; }

    /// <summary>Prepares the store (schema, connection) and loads persisted data into <see cref="Index"/>.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Null when the store answers, else why not (for /health/ready).</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);

    /// <summary>Persists an entity snapshot (taken under the entity's lock, so never torn).</summary>
    ValueTask SaveEntityAsync(string tenant, Entity snapshot, CancellationToken cancellationToken);

    ValueTask DeleteEntityAsync(string tenant, Entity entity, CancellationToken cancellationToken);

    ValueTask SaveSubscriptionAsync(string tenant, Subscription subscription, CancellationToken cancellationToken);

    /// <summary>
    /// Persists a runtime state change of a stored subscription (a oneshot that notified, a subscription disabled by
    /// failures): updates it only while it exists and no newer revision was saved.
    /// </summary>
    ValueTask SaveSubscriptionStateAsync(string tenant, Subscription subscription, CancellationToken cancellationToken);

    ValueTask DeleteSubscriptionAsync(string tenant, string id, CancellationToken cancellationToken);

    ValueTask SaveRegistrationAsync(string tenant, Registrations.Registration registration, CancellationToken cancellationToken);

    ValueTask DeleteRegistrationAsync(string tenant, string id, CancellationToken cancellationToken);

    /// <summary>True when saves cost something, so callers skip snapshots for the memory store.</summary>
    bool IsDurable { get; }
}
