namespace NgsiFlow.Broker.Tests;

/// <summary>The compliance suite on the in-memory store.</summary>
public sealed class MemoryBrokerComplianceTests : BrokerComplianceTests
{
    protected override Task<ContextBroker> StartBrokerAsync() => ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
}
