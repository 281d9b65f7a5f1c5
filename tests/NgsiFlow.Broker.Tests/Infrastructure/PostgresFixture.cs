using System.Collections.Concurrent;
using Npgsql;
using NgsiFlow.Testing;

namespace NgsiFlow.Broker.Tests.Infrastructure;

/// <summary>One real PostgreSQL server for the whole test assembly; databases are created on demand.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _databases = new(StringComparer.Ordinal);
    private PostgresServer? _server;

    internal PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL is not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A connection string for <paramref name="database"/>, created the first time it is asked for.</summary>
    public async Task<string> DatabaseAsync(string database)
    {
        await _databases.GetOrAdd(database, name => new Lazy<Task>(() => CreateAsync(name))).Value;
        return Server.ConnectionStringFor(database);
    }

    private async Task CreateAsync(string database)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await command.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
