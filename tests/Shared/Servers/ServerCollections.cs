namespace NgsiFlow.Testing;

// xUnit finds collection definitions only in the test assembly itself; compiled into each from here, one server
// per collection and test run. A test class joins with [Collection(PostgresCollection.Name)] and takes the fixture.

/// <summary>The tests sharing one <see cref="InfluxDbFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class InfluxDbCollection : ICollectionFixture<InfluxDbFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "InfluxDB server";
}

/// <summary>The tests sharing one <see cref="PostgresFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "PostgreSQL server";
}

/// <summary>The tests sharing one <see cref="RabbitMqFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "RabbitMQ server";
}

/// <summary>The tests sharing one <see cref="MosquittoFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MosquittoCollection : ICollectionFixture<MosquittoFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "mosquitto server";
}
