using NgsiFlow.Testing;

namespace NgsiFlow.Sinks.Tests.Infrastructure;

// The fixtures themselves are shared by every test project: tests/Shared/Servers/ServerFixtures.cs.
[CollectionDefinition(Name)]
public sealed class InfluxDbCollection : ICollectionFixture<InfluxDbFixture>
{
    public const string Name = "InfluxDB server";
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL server";
}

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqFixture>
{
    public const string Name = "RabbitMQ server";
}
