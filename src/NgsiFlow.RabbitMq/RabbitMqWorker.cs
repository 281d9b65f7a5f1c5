using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.RabbitMq.Internal;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace NgsiFlow.RabbitMq;

/// <summary>
/// Runs a <see cref="DistributedJob"/> on the partitions of its RabbitMQ topology. The worker subscribes to every
/// partition queue; RabbitMQ's single active consumer makes it the owner of some of them (those no other live worker
/// owns), and hands a partition over to a standby worker when its owner dies. Each owned partition runs its own
/// instance of the job, restored from the partition's last checkpoint; messages are acknowledged only after their
/// results were written back and a checkpoint holding their effect was stored.
/// </summary>
/// <example>
/// <code>
/// var job = JobRegistry.Default.Get("running-sum");
/// using var broker = BrokerConnection.V2(new Uri("http://orion:1026"));
/// await using var replier = new NgsiReplier(broker);
/// await using var worker = await RabbitMqWorker.StartAsync(new RabbitMqOptions { Uri = new("amqp://rabbit") }, job, new WorkerContext(replier), ct);
/// await Task.Delay(Timeout.Infinite, ct);
/// await worker.StopAsync(CancellationToken.None);
/// </code>
/// </example>
public sealed partial class RabbitMqWorker : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _stateChannel;
    private readonly SemaphoreSlim _stateLock = new(1, 1);
    private readonly PartitionSlot[] _slots;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _rebalance = Task.CompletedTask;
    private IChannel? _presence;
    private int _state;

    private RabbitMqWorker(RabbitMqOptions options, DistributedJob job, WorkerContext context, IConnection connection, IChannel stateChannel, RabbitMqTopology topology)
    {
        Options = options;
        Job = job;
        Context = context;
        Definition = job.Definition(context);
        Topology = topology;
        _connection = connection;
        _stateChannel = stateChannel;
        _logger = (options.LoggerFactory ?? context.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NgsiFlow.RabbitMq.Worker");
        _slots = [.. Enumerable.Range(0, topology.Partitions).Select(p => new PartitionSlot(p))];
        WorkerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
        RabbitMqInstruments.Track(this);
    }

    /// <summary>The RabbitMQ settings.</summary>
    public RabbitMqOptions Options { get; }

    /// <summary>The job.</summary>
    public DistributedJob Job { get; }

    /// <summary>Where write-backs go.</summary>
    public WorkerContext Context { get; }

    /// <summary>The job's exchange and queues.</summary>
    public RabbitMqTopology Topology { get; }

    /// <summary>This worker's id in checkpoints and logs (host, process, random suffix).</summary>
    public string WorkerId { get; }

    /// <summary>The partitions this worker owns now.</summary>
    public IReadOnlyList<int> OwnedPartitions => [.. _slots.Where(s => s.Runner is { IsAbandoned: false }).Select(s => s.Partition)];

    internal JobDefinition<NgsiEvent> Definition { get; }

    internal WorkerCounters Counters { get; } = new();

    internal Microsoft.Extensions.Logging.ILogger Logger => _logger;

    /// <summary>Connects, declares the topology and subscribes to every partition.</summary>
    /// <param name="options">Where RabbitMQ is; partitions, prefetch, checkpoint interval.</param>
    /// <param name="job">The job to run.</param>
    /// <param name="context">Where its write-backs go.</param>
    /// <param name="cancellationToken">Aborts the start.</param>
    /// <returns>The running worker.</returns>
    /// <exception cref="RabbitMqUnreachableException">RabbitMQ cannot be reached (the message says where and why).</exception>
    public static async Task<RabbitMqWorker> StartAsync(RabbitMqOptions options, DistributedJob job, WorkerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(context);
        var connection = await Connections.OpenAsync(options, "worker " + job.Name, cancellationToken).ConfigureAwait(false);
        try
        {
            var topology = new RabbitMqTopology(options.Prefix, job.Name, options.Partitions);
            await using (var declare = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                await topology.DeclareAsync(declare, cancellationToken).ConfigureAwait(false);
            }

            var state = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
            var worker = new RabbitMqWorker(options, job, context, connection, state, topology);
            connection.ConnectionShutdownAsync += (_, e) =>
            {
                worker.OnConnectionLost(e.ReplyText);
                return Task.CompletedTask;
            };
            foreach (var slot in worker._slots)
            {
                await worker.SubscribeAsync(slot, cancellationToken).ConfigureAwait(false);
            }

            worker._presence = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await worker._presence.BasicConsumeAsync(topology.WorkersQueue, autoAck: true, new AsyncEventingBasicConsumer(worker._presence), cancellationToken).ConfigureAwait(false);
            worker._state = 1;
            worker._rebalance = worker.RebalanceLoopAsync();
            RabbitMqLog.WorkerStarted(worker._logger, job.Name, options.SafeUri, options.Partitions, options.Prefetch);
            return worker;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>What the worker did so far.</summary>
    /// <returns>The figures.</returns>
    public WorkerStatistics GetStatistics() => new(
        Interlocked.Read(ref Counters.Processed),
        Interlocked.Read(ref Counters.Acknowledged),
        Interlocked.Read(ref Counters.Duplicates),
        Interlocked.Read(ref Counters.Redelivered),
        Interlocked.Read(ref Counters.Rejected),
        Interlocked.Read(ref Counters.Poison),
        Interlocked.Read(ref Counters.Checkpoints),
        Interlocked.Read(ref Counters.Takeovers),
        OwnedPartitions.Count);

    /// <summary>
    /// Stops gracefully: stops consuming, processes and writes back what was delivered, stores a last checkpoint per
    /// owned partition and acknowledges it, so that other workers take the partitions over without redeliveries.
    /// </summary>
    /// <param name="cancellationToken">Turns the stop into a hard one (unacknowledged messages are delivered again elsewhere).</param>
    /// <returns>Completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _rebalance.ConfigureAwait(false);
        foreach (var slot in _slots)
        {
            var channel = slot.Channel;
            if (await RetireForReleaseAsync(slot, cancellationToken).ConfigureAwait(false) is { } runner)
            {
                try
                {
                    await runner.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    RabbitMqLog.CheckpointFailed(_logger, Job.Name, slot.Partition, e.Message);
                }
            }

            if (channel is { IsOpen: true })
            {
                await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await Context.FlushAsync(cancellationToken).ConfigureAwait(false);
        RabbitMqLog.WorkerStopped(_logger, Job.Name, GetStatistics());
    }

    /// <summary>Stops (gracefully when still running) and closes the connection.</summary>
    /// <returns>Completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _state) == 1)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Volatile.Write(ref _state, 3);
        RabbitMqInstruments.Untrack(this);
        foreach (var slot in _slots)
        {
            slot.Runner?.Abandon();
            if (slot.Channel is { } channel)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_presence is not null)
        {
            await _presence.DisposeAsync().ConfigureAwait(false);
        }

        await _stateChannel.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
