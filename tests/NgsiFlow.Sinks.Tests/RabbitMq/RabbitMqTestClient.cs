using RabbitMQ.Client;

namespace NgsiFlow.Sinks.Tests.RabbitMq;

/// <summary>Declares and inspects queues directly on the test broker.</summary>
internal static class RabbitMqTestClient
{
    public static async Task DeclareQueueAsync(Uri uri, string queue, IDictionary<string, object?>? arguments = null)
    {
        await using var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments);
    }

    public static async Task RunAsync(Uri uri, Func<IChannel, Task> action)
    {
        await using var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await action(channel);
    }

    /// <summary>Every message in the queue, in queue order, left in the queue (fetched unacknowledged, then requeued by closing).</summary>
    public static async Task<List<BasicGetResult>> PeekAllAsync(Uri uri, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var messages = new List<BasicGetResult>();
        while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
        {
            messages.Add(message);
        }

        await channel.CloseAsync();
        await channel.DisposeAsync();
        return messages;
    }

    public static async Task<uint> CountAsync(Uri uri, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return await channel.MessageCountAsync(queue);
    }
}
