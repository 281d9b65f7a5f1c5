namespace NgsiFlow.Testing;

/// <summary>One InfluxDB server shared by the tests of an xUnit collection (declare the collection in the test assembly).</summary>
public sealed class InfluxDbFixture : IAsyncLifetime
{
    internal InfluxDbServer Server { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await InfluxDbServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>One PostgreSQL server shared by the tests of an xUnit collection.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    internal PostgresServer Server { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>One RabbitMQ node shared by the tests of an xUnit collection (it takes seconds to start).</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    internal RabbitMqServer Server { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await RabbitMqServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();
}
