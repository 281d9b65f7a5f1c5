using NgsiFlow.Broker.Tests.Infrastructure;
using NgsiFlow.Testing;

namespace NgsiFlow.Broker.Tests;

/// <summary>The compliance suite on the PostgreSQL store (a real server, one database for the class).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBrokerComplianceTests(PostgresFixture postgres) : BrokerComplianceTests
{
    protected override async Task<ContextBroker> StartBrokerAsync() =>
        await ContextBroker.StartAsync(new BrokerOptions { Port = 0, Store = BrokerStoreKind.Postgres, PostgresConnectionString = await postgres.DatabaseAsync("compliance") });
}
