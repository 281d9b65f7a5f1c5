using System.Collections.Concurrent;
using System.Globalization;

namespace NgsiFlow.Testing;

/// <summary>One InfluxDB server shared by the tests of the <see cref="InfluxDbCollection"/>.</summary>
public sealed class InfluxDbFixture : IAsyncLifetime
{
    internal InfluxDbServer Server { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await InfluxDbServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>One PostgreSQL server shared by the tests of the <see cref="PostgresCollection"/>; databases are made on demand.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _databases = new(StringComparer.Ordinal);

    internal PostgresServer Server { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A connection string for <paramref name="database"/>, created the first time it is asked for.</summary>
    public async Task<string> DatabaseAsync(string database)
    {
        await _databases.GetOrAdd(database, name => new Lazy<Task>(() => Task.Run(() => Server.CreateDatabase(name)))).Value;
        return Server.ConnectionStringFor(database);
    }
}

/// <summary>One RabbitMQ node shared by the tests of the <see cref="RabbitMqCollection"/> (it takes seconds to start).</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    internal RabbitMqServer Server { get; private set; } = null!;

    /// <summary>The node's AMQP address, as guest.</summary>
    public Uri Uri => Server.Uri;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await RabbitMqServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Whether every queue whose name starts with <paramref name="prefix"/> is drained: nothing ready, nothing unacknowledged.</summary>
    public bool AllAcknowledged(string prefix) => Queues(prefix).All(q => q.Ready == 0 && q.Unacknowledged == 0);

    /// <summary>The queues whose name starts with <paramref name="prefix"/>: name, ready and unacknowledged messages, consumers.</summary>
    public IReadOnlyList<QueueState> Queues(string prefix)
    {
        var (code, output) = Server.Ctl("list_queues", "-q", "--no-table-headers", "name", "messages_ready", "messages_unacknowledged", "consumers");
        if (code != 0)
        {
            throw new InvalidOperationException("rabbitmqctl list_queues failed: " + output);
        }

        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 4 && parts[0].StartsWith(prefix, StringComparison.Ordinal))
            .Select(parts => new QueueState(parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture)))];
    }
}

/// <summary>A queue as <c>rabbitmqctl list_queues</c> reports it.</summary>
public sealed record QueueState(string Name, long Ready, long Unacknowledged, int Consumers);

/// <summary>One mosquitto shared by the tests of the <see cref="MosquittoCollection"/>; tests keep apart by topic and client id.</summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    internal MosquittoServer Server { get; private set; } = null!;

    /// <summary>The server's url, <c>mqtt://127.0.0.1:PORT</c>.</summary>
    public Uri Uri => Server.Uri;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await MosquittoServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();
}
