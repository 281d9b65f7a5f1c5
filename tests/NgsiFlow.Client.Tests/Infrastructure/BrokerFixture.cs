using NgsiFlow.Broker;

namespace NgsiFlow.Client.Tests.Infrastructure;

/// <summary>One embedded NGSI-v2 broker for the whole test assembly; tests keep apart by tenant and entity ids.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private ContextBroker? _broker;

    public ContextBroker Broker => _broker ?? throw new InvalidOperationException("The broker has not started.");

    public Uri BaseAddress => Broker.BaseAddress;

    public async Task InitializeAsync() =>
        _broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationTimeout = TimeSpan.FromSeconds(2) });

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    /// <summary>Client options for this broker with fast retries.</summary>
    public NgsiClientOptions Options(string? tenant = null) => new()
    {
        BaseAddress = BaseAddress,
        Fiware = tenant is null ? null : new Ngsi.FiwareContext(tenant, "/", null),
        Retry = new NgsiRetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50) },
        RequestTimeout = TimeSpan.FromSeconds(10),
    };
}

[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>
{
    public const string Name = "embedded broker";
}
