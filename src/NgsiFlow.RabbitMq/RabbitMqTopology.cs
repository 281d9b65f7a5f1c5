using System.Globalization;
using RabbitMQ.Client;

namespace NgsiFlow.RabbitMq;

/// <summary>
/// The RabbitMQ objects of one job: a consistent-hash exchange keyed by entity id, P partition queues bound to it
/// (quorum queues, single active consumer each, so one worker at a time owns a partition and sees its entities in
/// order) and one state queue per partition holding the latest checkpoint (a quorum queue of length 1).
/// Declared by receivers and workers at start; declaring again with the same settings changes nothing.
/// </summary>
public sealed class RabbitMqTopology
{
    /// <summary>The weight of every partition on the hash ring: more points spread entities more evenly.</summary>
    public const int PartitionWeight = 20;

    /// <summary>Describes the topology of a job.</summary>
    /// <param name="prefix">The name prefix (<see cref="RabbitMqOptions.Prefix"/>).</param>
    /// <param name="job">The job name.</param>
    /// <param name="partitions">The number of partitions.</param>
    public RabbitMqTopology(string prefix, string job, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(job);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        Job = job;
        Partitions = partitions;
        Exchange = $"{prefix}.{job}";
    }

    /// <summary>The job.</summary>
    public string Job { get; }

    /// <summary>The number of partitions.</summary>
    public int Partitions { get; }

    /// <summary>The consistent-hash exchange receivers publish to.</summary>
    public string Exchange { get; }

    /// <summary>A queue that never holds messages: every live worker of the job consumes it, so its consumer count is
    /// the number of workers, from which each worker computes its fair share of partitions.</summary>
    public string WorkersQueue => $"{Exchange}.workers";

    /// <summary>The queue of a partition.</summary>
    /// <param name="partition">0 to <see cref="Partitions"/> - 1.</param>
    /// <returns>Its name.</returns>
    public string PartitionQueue(int partition) => $"{Exchange}.p{partition.ToString("D2", CultureInfo.InvariantCulture)}";

    /// <summary>The queue holding a partition's latest checkpoint.</summary>
    /// <param name="partition">0 to <see cref="Partitions"/> - 1.</param>
    /// <returns>Its name.</returns>
    public string StateQueue(int partition) => $"{Exchange}.state.p{partition.ToString("D2", CultureInfo.InvariantCulture)}";

    /// <summary>Declares the exchange, the queues and the bindings (idempotent for the same settings).</summary>
    /// <param name="channel">An open channel.</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>Completes when declared.</returns>
    /// <exception cref="InvalidOperationException">RabbitMQ refused a declaration (for example a queue of that name
    /// exists with other arguments, or the consistent-hash plugin is not enabled).</exception>
    public async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        try
        {
            await channel.ExchangeDeclareAsync(Exchange, "x-consistent-hash", durable: true, autoDelete: false, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e)
        {
            throw new InvalidOperationException(
                $"RabbitMQ refused the exchange '{Exchange}' of type x-consistent-hash: {e.ShutdownReason?.ReplyText ?? e.Message}. Enable the plugin: rabbitmq-plugins enable rabbitmq_consistent_hash_exchange.", e);
        }

        await DeclareQueueAsync(channel, WorkersQueue, new Dictionary<string, object?> { ["x-queue-type"] = "classic" }, cancellationToken).ConfigureAwait(false);
        for (var p = 0; p < Partitions; p++)
        {
            await DeclareQueueAsync(channel, PartitionQueue(p), PartitionArguments, cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(PartitionQueue(p), Exchange, PartitionWeight.ToString(CultureInfo.InvariantCulture), arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
            await DeclareQueueAsync(channel, StateQueue(p), StateArguments, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, object?> PartitionArguments => new()
    {
        ["x-queue-type"] = "quorum",
        ["x-single-active-consumer"] = true,
    };

    private static Dictionary<string, object?> StateArguments => new()
    {
        ["x-queue-type"] = "quorum",
        ["x-max-length"] = 1,
        ["x-overflow"] = "drop-head",
    };

    private static async Task DeclareQueueAsync(IChannel channel, string name, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        try
        {
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e)
        {
            throw new InvalidOperationException(
                $"RabbitMQ refused the queue '{name}': {e.ShutdownReason?.ReplyText ?? e.Message}. A queue of that name with other settings exists; delete it or use another RabbitMqOptions.Prefix.", e);
        }
    }
}
