using System.Globalization;
using RabbitMQ.Client;

namespace NgsiFlow.Cli.Pipelines.Detector;

/// <summary>
/// The detector's topics on RabbitMQ: <c>data_raw</c> as a direct exchange with one durable queue per partition
/// (<c>data_raw.0</c> … <c>data_raw.9</c>, bound by the partition number as routing key, the way a Kafka producer
/// picks a partition), a dead-letter queue for records that do not parse, and <c>data_clean</c> as a queue that the
/// batch results are published to through the default exchange.
/// </summary>
/// <param name="Raw">Name of the raw topic (exchange and queue prefix).</param>
/// <param name="Clean">Name of the results queue.</param>
/// <param name="Partitions">Number of partitions of the raw topic.</param>
internal sealed record DetectorTopology(string Raw = "data_raw", string Clean = "data_clean", int Partitions = 10)
{
    /// <summary>The exchange dead-lettered records go to.</summary>
    public string DeadLetterExchange => Raw + ".dlx";

    /// <summary>The queue holding records that did not parse.</summary>
    public string DeadLetterQueue => Raw + ".dead";

    /// <summary>The queue of a partition.</summary>
    /// <param name="partition">0 to <see cref="Partitions"/> - 1.</param>
    /// <returns>Its name.</returns>
    public string PartitionQueue(int partition) => Raw + "." + partition.ToString(CultureInfo.InvariantCulture);

    /// <summary>The routing key of a partition.</summary>
    /// <param name="partition">0 to <see cref="Partitions"/> - 1.</param>
    /// <returns>The key.</returns>
    public static string PartitionKey(int partition) => partition.ToString(CultureInfo.InvariantCulture);

    /// <summary>The partition of an orbit: all records of one orbit go to one partition.</summary>
    /// <param name="orbit">The orbit counter.</param>
    /// <returns>The partition.</returns>
    public int PartitionOf(long orbit) => (int)(orbit % Partitions);

    /// <summary>Declares the exchanges and queues (idempotent).</summary>
    /// <param name="uri">The RabbitMQ server.</param>
    /// <param name="purge">Empty the queues first (a fresh demo run).</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>Completes when declared.</returns>
    public async Task DeclareAsync(Uri uri, bool purge, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = "ngsiflow detector topology" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(Raw, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        var arguments = new Dictionary<string, object?> { ["x-dead-letter-exchange"] = DeadLetterExchange };
        for (var p = 0; p < Partitions; p++)
        {
            await channel.QueueDeclareAsync(PartitionQueue(p), durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(PartitionQueue(p), Raw, PartitionKey(p), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (purge)
            {
                await channel.QueuePurgeAsync(PartitionQueue(p), cancellationToken).ConfigureAwait(false);
            }
        }

        await channel.QueueDeclareAsync(Clean, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (purge)
        {
            await channel.QueuePurgeAsync(Clean, cancellationToken).ConfigureAwait(false);
            await channel.QueuePurgeAsync(DeadLetterQueue, cancellationToken).ConfigureAwait(false);
        }
    }
}
