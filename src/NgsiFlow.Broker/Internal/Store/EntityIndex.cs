using System.Collections.Concurrent;

namespace NgsiFlow.Broker.Internal.Store;

/// <summary>The in-memory index of all tenants: the data every request reads, whichever store persists it.</summary>
internal sealed class EntityIndex
{
    private readonly ConcurrentDictionary<string, TenantIndex> _tenants = new(StringComparer.Ordinal);

    public TenantIndex Tenant(string name) => _tenants.GetOrAdd(name, static n => new TenantIndex(n));

    public TenantIndex? ExistingTenant(string name) => _tenants.TryGetValue(name, out var tenant) ? tenant : null;

    public IEnumerable<TenantIndex> Tenants => _tenants.Values;
}
