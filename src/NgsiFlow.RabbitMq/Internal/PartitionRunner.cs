using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace NgsiFlow.RabbitMq.Internal;

/// <summary>
/// One owned partition: the job instance reading it (this is its <see cref="IStreamSource{T}"/>), the duplicate
/// filter, and the checkpoint loop. Messages are acknowledged to RabbitMQ only by a checkpoint: the source stops
/// handing out events, the job goes idle (every event handed out is written back), the state is stored in the
/// partition's state queue, and then everything up to the last delivery tag is acknowledged at once. A successor
/// restores that state, so the state reflects every acknowledged message exactly once.
/// </summary>
internal sealed class PartitionRunner : IStreamSource<NgsiEvent>
{
    private const int KeysPerEntity = 16;
    private readonly Channel<Delivery> _inbox = System.Threading.Channels.Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly RabbitMqWorker _worker;
    private readonly IChannel _channel;
    private readonly HashSet<string> _covered;
    private readonly Dictionary<string, List<string>> _keys;
    private readonly Func<NgsiEvent, string?>? _keyOf;
    private List<string> _idsSinceCheckpoint = [];
    private StreamJob? _job;
    private Task _loop = Task.CompletedTask;
    private ulong _lastTag;
    private ulong _ackedTag;
    private long _yielded;
    private long _done;
    private long _takenSinceAck;
    private long _generation;
    private int _abandoned;

    private PartitionRunner(RabbitMqWorker worker, int partition, IChannel channel, CheckpointRecord? restored)
    {
        _worker = worker;
        Partition = partition;
        _channel = channel;
        _keyOf = worker.Job.IdempotencyKey;
        _covered = restored is null ? [] : new HashSet<string>(restored.CoveredMessageIds, StringComparer.Ordinal);
        _keys = restored?.RecentKeys ?? new Dictionary<string, List<string>>(StringComparer.Ordinal);
        _generation = restored?.Generation ?? 0;
        Name = $"{worker.Job.Name}.p{partition}";
    }

    public int Partition { get; }

    public string Name { get; }

    public IChannel Channel => _channel;

    public bool IsAbandoned => Volatile.Read(ref _abandoned) != 0;

    public static async Task<PartitionRunner> StartAsync(RabbitMqWorker worker, int partition, IChannel channel, bool hadOwner, CancellationToken cancellationToken)
    {
        var restored = await worker.LoadCheckpointAsync(partition, hadOwner, cancellationToken).ConfigureAwait(false);
        var runner = new PartitionRunner(worker, partition, channel, restored);
        var job = worker.Definition.Create(runner, worker.Job.Options?.Invoke(), worker.Options.Prefetch);
        if (restored is not null)
        {
            job.Restore(JobSnapshot.FromBytes(restored.Snapshot));
        }

        runner._job = job;
        job.Start();
        runner._loop = runner.CheckpointLoopAsync();
        _ = job.Completion.ContinueWith(
            t => worker.OnRunnerEnded(runner, t.Exception?.GetBaseException()),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        RabbitMqLog.TookOver(worker.Logger, worker.Job.Name, partition, runner._generation, restored?.TakenAt, restored?.Worker, runner._covered.Count);
        return runner;
    }

    /// <summary>Queues a delivery of this partition's consumer.</summary>
    public bool Post(Delivery delivery) => _inbox.Writer.TryWrite(delivery);

    public async IAsyncEnumerable<SourceItem<NgsiEvent>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var counters = _worker.Counters;
        while (true)
        {
            Delivery delivery;
            try
            {
                delivery = await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                yield break;
            }

            // The gate is held until the engine asks for the next event, i.e. until this one is in the job's input,
            // so that a checkpoint holding the gate sees every handed-out event in the job.
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            SourceItem<NgsiEvent>? item = null;
            try
            {
                if (IsAbandoned)
                {
                    // Released or abandoned: nothing more is taken; what is still in the inbox goes back to the queue
                    // with the channel and is processed by the partition's next owner.
                    yield break;
                }

                item = Take(delivery, counters);
                if (item is { } value)
                {
                    yield return value;
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private SourceItem<NgsiEvent>? Take(Delivery delivery, WorkerCounters counters)
    {
        _lastTag = delivery.Tag;
        _takenSinceAck++;
        if (delivery.Redelivered)
        {
            Interlocked.Increment(ref counters.Redelivered);
        }

        if (delivery.Event is not { } e)
        {
            Interlocked.Increment(ref counters.Poison);
            RabbitMqLog.Poison(_worker.Logger, _worker.Job.Name, Partition, delivery.MessageId, delivery.Error ?? "undecodable");
            return null;
        }

        var key = delivery.Key ?? _keyOf?.Invoke(e);
        if (_covered.Remove(delivery.MessageId) || (key is not null && SeenKey(e.EntityId, key)))
        {
            // Already in the state this partition was restored from (or in this owner's): skip, acknowledge at the
            // next checkpoint, and remember it so that a successor skips it too.
            Interlocked.Increment(ref counters.Duplicates);
            _idsSinceCheckpoint.Add(delivery.MessageId);
            return null;
        }

        if (key is not null)
        {
            RememberKey(e.EntityId, key);
        }

        _idsSinceCheckpoint.Add(delivery.MessageId);
        _yielded++;
        Interlocked.Increment(ref counters.Processed);
        return new SourceItem<NgsiEvent>(e, (long)delivery.Tag);
    }

    private bool SeenKey(string entity, string key) => _keys.TryGetValue(entity, out var keys) && keys.Contains(key, StringComparer.Ordinal);

    private void RememberKey(string entity, string key)
    {
        if (!_keys.TryGetValue(entity, out var keys))
        {
            _keys[entity] = keys = new List<string>(4);
        }

        if (keys.Count == KeysPerEntity)
        {
            keys.RemoveAt(0);
        }

        keys.Add(key);
    }

    public ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _done);
        return default;
    }

    public ValueTask AcknowledgeManyAsync(ReadOnlyMemory<long> positions, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _done, positions.Length);
        return default;
    }

    public ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken)
    {
        // The job's error policy gave the event up: it is acknowledged with the others at the next checkpoint.
        Interlocked.Increment(ref _worker.Counters.Rejected);
        Interlocked.Increment(ref _done);
        return default;
    }

    private async Task CheckpointLoopAsync()
    {
        var options = _worker.Options;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(options.CheckpointInterval.TotalMilliseconds / 5, 5, 50));
        var last = DateTimeOffset.UtcNow;
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, token).ConfigureAwait(false);
                var due = DateTimeOffset.UtcNow - last >= options.CheckpointInterval || Volatile.Read(ref _takenSinceAck) >= options.CheckpointEvery;
                if (due && Volatile.Read(ref _lastTag) != _ackedTag)
                {
                    await CheckpointAsync(token).ConfigureAwait(false);
                    last = DateTimeOffset.UtcNow;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // RabbitMQ went away or the job failed: the partition is abandoned by the worker; nothing was acknowledged.
                RabbitMqLog.CheckpointFailed(_worker.Logger, _worker.Job.Name, Partition, e.Message);
                _worker.OnRunnerEnded(this, e);
                return;
            }
        }
    }

    /// <summary>Stores the state and acknowledges every message taken so far.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CheckpointCoreAsync(CancellationToken cancellationToken)
    {
        var job = _job!;
        if (IsAbandoned)
        {
            return;
        }

        var lastTag = _lastTag;
        if (lastTag == _ackedTag)
        {
            return;
        }

        await job.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await job.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        var record = new CheckpointRecord
        {
            Job = _worker.Job.Name,
            Partition = Partition,
            TakenAt = DateTimeOffset.UtcNow,
            Generation = _generation + 1,
            Worker = _worker.WorkerId,
            Snapshot = checkpoint.Snapshot.ToBytes(),
            CoveredMessageIds = [.. _idsSinceCheckpoint, .. _covered],
            RecentKeys = _keys,
        };
        if (!await _worker.StoreCheckpointAsync(this, record.ToBytes(), cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        _generation = record.Generation;
        checkpoint.Commit();

        // Events held in windows are acknowledged by the commit; wait for those acknowledgements to arrive.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (Volatile.Read(ref _done) < _yielded)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Partition {Partition}: {_yielded - Volatile.Read(ref _done)} events were not acknowledged by the job 30 s after a checkpoint.");
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }

        if (IsAbandoned)
        {
            return;
        }

        await _channel.BasicAckAsync(lastTag, multiple: true, cancellationToken).ConfigureAwait(false);
        _ackedTag = lastTag;
        Interlocked.Add(ref _worker.Counters.Acknowledged, _takenSinceAck);
        RabbitMqLog.CheckpointStored(_worker.Logger, _worker.Job.Name, Partition, _generation, _takenSinceAck, lastTag);
        Interlocked.Increment(ref _worker.Counters.Checkpoints);
        Volatile.Write(ref _takenSinceAck, 0);
        _idsSinceCheckpoint = [];
    }

    /// <summary>
    /// Hands the partition over cleanly: stops handing out events, checkpoints (acknowledging everything processed),
    /// then closes the partition's channel so that the messages delivered but not processed go back to the queue and
    /// RabbitMQ activates the next consumer, which finds the checkpoint just stored. The channel is closed even when
    /// the checkpoint fails (then nothing since the previous checkpoint was acknowledged, and the next owner
    /// processes it again); the failure is rethrown.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        ExceptionDispatchInfo? failure = null;
        try
        {
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            // Before the gate opens again: the source takes nothing after the last checkpoint.
            Interlocked.Exchange(ref _abandoned, 1);
            _inbox.Writer.TryComplete();
            _gate.Release();
        }

        try
        {
            await _channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // Already closed with its connection: RabbitMQ returned the messages then.
        }

        if (_job is { } job)
        {
            job.Cancel();
            await job.DisposeAsync().ConfigureAwait(false);
        }

        failure?.Throw();
    }

    /// <summary>Completes when the checkpoint loop has ended, so that no checkpoint of this runner is stored afterwards.</summary>
    public Task WhenStoppedAsync() => _loop;

    /// <summary>Drops the partition without acknowledging anything: RabbitMQ delivers its messages again.</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _abandoned, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _inbox.Writer.TryComplete();
        _job?.Cancel();
    }
}
