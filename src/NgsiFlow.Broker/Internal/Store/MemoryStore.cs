using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal.Store;

/// <summary>The default store: the index alone; data lives as long as the broker.</summary>
internal sealed class MemoryStore : IBrokerStore
{
    public EntityIndex Index { get; } = new();

    public bool IsDurable => false;

    public Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask SaveEntityAsync(string tenant, Entity snapshot, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DeleteEntityAsync(string tenant, Entity entity, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SaveSubscriptionAsync(string tenant, Subscription subscription, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SaveSubscriptionStateAsync(string tenant, Subscription subscription, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DeleteSubscriptionAsync(string tenant, string id, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SaveRegistrationAsync(string tenant, Registrations.Registration registration, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DeleteRegistrationAsync(string tenant, string id, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
