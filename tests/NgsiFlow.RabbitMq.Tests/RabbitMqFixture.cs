using System.Globalization;
using NgsiFlow.Testing;

namespace NgsiFlow.RabbitMq.Tests;

/// <summary>One throwaway RabbitMQ node for the whole test assembly.</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private RabbitMqServer? _server;

    internal RabbitMqServer Server => _server ?? throw new InvalidOperationException("RabbitMQ has not started.");

    public Uri Uri => Server.Uri;

    public async Task InitializeAsync() => _server = await RabbitMqServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

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

public sealed record QueueState(string Name, long Ready, long Unacknowledged, int Consumers);

[CollectionDefinition("rabbitmq")]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqFixture>;
