using NgsiFlow.RabbitMq.Internal;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace NgsiFlow.RabbitMq;

public sealed partial class RabbitMqWorker
{
    private static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RebalanceInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EmptyStateRetry = TimeSpan.FromSeconds(1);

    private async Task SubscribeAsync(PartitionSlot slot, CancellationToken cancellationToken)
    {
        // One channel per partition: its delivery tags are that partition's, so one multiple-ack covers a checkpoint,
        // and closing it hands exactly that partition back to the queue.
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, Options.Prefetch, global: false, cancellationToken).ConfigureAwait(false);
        channel.ChannelShutdownAsync += (_, e) =>
        {
            // With automatic recovery the channel comes back with new delivery tags: the partition starts over from
            // its checkpoint when RabbitMQ delivers again. A channel RabbitMQ closed for an error of its own is not
            // recovered: the partition is subscribed again on a new one.
            AbandonSlot(slot, channel, e.ReplyText);
            if (e.Initiator == ShutdownInitiator.Peer && IsChannelError(e.ReplyCode) && !_stopping.IsCancellationRequested)
            {
                _ = ResubscribeUnlessRecoveredAsync(slot, channel);
            }

            return Task.CompletedTask;
        };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) => OnDeliveryAsync(slot, channel, e);
        slot.Channel = channel;
        slot.ConsumerTag = await channel.BasicConsumeAsync(Topology.PartitionQueue(slot.Partition), autoAck: false, consumerTag: string.Empty, noLocal: false, exclusive: false, arguments: null, consumer, cancellationToken).ConfigureAwait(false);
    }

    private async Task OnDeliveryAsync(PartitionSlot slot, IChannel channel, BasicDeliverEventArgs e)
    {
        Delivery delivery;
        try
        {
            var ev = EventCodec.Decode(e.BasicProperties, e.Body.Span);
            var key = e.BasicProperties.Headers is { } headers ? EventCodec.Text(headers, EventCodec.KeyHeader) : null;
            delivery = new Delivery(e.DeliveryTag, e.Redelivered, e.BasicProperties.MessageId ?? string.Empty, key, ev, null);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or ArgumentException)
        {
            delivery = new Delivery(e.DeliveryTag, e.Redelivered, e.BasicProperties.MessageId ?? string.Empty, null, null, ex.Message);
        }

        if (!ReferenceEquals(slot.Channel, channel) || !channel.IsOpen)
        {
            // A channel taken out of use (the partition is being handed over, or its runner failed): the message
            // goes back to the queue when the channel closes.
            return;
        }

        var runner = slot.Runner;
        if (runner is null || runner.IsAbandoned || !ReferenceEquals(runner.Channel, channel))
        {
            runner = await TakeOverAsync(slot, channel, delivery.Redelivered).ConfigureAwait(false);
            if (runner is null)
            {
                return;
            }
        }

        runner.Post(delivery);
    }

    private async Task<PartitionRunner?> TakeOverAsync(PartitionSlot slot, IChannel channel, bool hadOwner)
    {
        // Under the slot's lock, so that a release or a retirement of this channel, which takes the same lock, either
        // happens first (then no runner starts on the channel: its messages go back to the queue, and the partition's
        // checkpoint is not read here while the next owner reads it) or waits until this runner is in place.
        try
        {
            await slot.Lock.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        var retire = false;
        try
        {
            if (!ReferenceEquals(slot.Channel, channel) || !channel.IsOpen || _stopping.IsCancellationRequested)
            {
                return null;
            }

            var runner = slot.Runner;
            if (runner is { IsAbandoned: false } && ReferenceEquals(runner.Channel, channel))
            {
                return runner;
            }

            if (runner is not null)
            {
                // A runner abandoned with its channel (a recovered connection): its checkpoint loop must be over
                // before the checkpoint is read again, or a late checkpoint of it could replace a newer one.
                await runner.WhenStoppedAsync().ConfigureAwait(false);
            }

            try
            {
                runner = await PartitionRunner.StartAsync(this, slot.Partition, channel, hadOwner, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Could not read the checkpoint or restore it: give the partition back and try again later.
                RabbitMqLog.Abandoned(_logger, Job.Name, slot.Partition, "start failed: " + ex.Message);
                slot.Channel = null;
                retire = true;
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            slot.Runner = runner;
            Interlocked.Increment(ref Counters.Takeovers);
            return runner;
        }
        finally
        {
            slot.Lock.Release();
            if (retire)
            {
                _ = ResubscribeAsync(slot, channel);
            }
        }
    }

    internal void OnRunnerEnded(PartitionRunner runner, Exception? error)
    {
        var slot = _slots[runner.Partition];
        if (runner.IsAbandoned && error is null)
        {
            return;
        }

        runner.Abandon();
        if (_stopping.IsCancellationRequested || !ReferenceEquals(slot.Runner, runner))
        {
            return;
        }

        RabbitMqLog.Abandoned(_logger, Job.Name, runner.Partition, error?.Message ?? "the job ended");
        _ = RetireAsync(slot, runner.Channel);
    }

    private void AbandonSlot(PartitionSlot slot, IChannel channel, string reason)
    {
        if (slot.Runner is { } runner && ReferenceEquals(runner.Channel, channel) && !runner.IsAbandoned)
        {
            RabbitMqLog.Abandoned(_logger, Job.Name, slot.Partition, reason);
            runner.Abandon();
        }
    }

    private void OnConnectionLost(string reason)
    {
        if (!_stopping.IsCancellationRequested)
        {
            RabbitMqLog.ConnectionLost(_logger, Job.Name, reason);
        }
    }

    /// <summary>The AMQP 0-9-1 reply codes that close a channel only (the connection stays up): content too large,
    /// no route, no consumers, access refused, not found, resource locked, precondition failed.</summary>
    private static bool IsChannelError(ushort replyCode) => replyCode is 311 or 312 or 313 or 403 or 404 or 405 or 406;

    private async Task ResubscribeUnlessRecoveredAsync(PartitionSlot slot, IChannel channel)
    {
        // A channel closed with its connection comes back when the connection recovers; one RabbitMQ closed for an
        // error of its own, while the connection stayed up, does not: that partition is subscribed again on a new one.
        try
        {
            await Task.Delay(ResubscribeDelay, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!channel.IsOpen && _connection.IsOpen)
        {
            await RetireAsync(slot, channel).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the slot's channel out of use (no runner starts on it any more), then closes it and subscribes again.</summary>
    private async Task RetireAsync(PartitionSlot slot, IChannel channel)
    {
        try
        {
            await slot.Lock.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (!ReferenceEquals(slot.Channel, channel))
            {
                // Already retired (a release or another failure took care of it).
                return;
            }

            slot.Channel = null;
        }
        finally
        {
            slot.Lock.Release();
        }

        await ResubscribeAsync(slot, channel).ConfigureAwait(false);
    }

    private async Task CloseForGoodAsync(IChannel channel)
    {
        // Closed and disposed even when it is closed already: closing takes it off the connection's recovery list and
        // disposing stops a recovery under way, so that a retired channel never comes back with a consumer nobody
        // processes. Whatever the client says about a channel that is already gone does not stop the partition from
        // being subscribed again.
        try
        {
            await channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RabbitMqLog.ChannelCloseFailed(_logger, Job.Name, e.Message);
        }

        try
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RabbitMqLog.ChannelCloseFailed(_logger, Job.Name, e.Message);
        }
    }

    private async Task ResubscribeAsync(PartitionSlot slot, IChannel channel)
    {
        // Closing the channel returns the partition's unacknowledged messages to the queue (and the partition to
        // another worker, if one waits); this worker subscribes again as a standby.
        await CloseForGoodAsync(channel).ConfigureAwait(false);
        try
        {
            await Task.Delay(ResubscribeDelay, _stopping.Token).ConfigureAwait(false);
            await SubscribeAsync(slot, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // Stopping, or the connection is down: automatic recovery takes over the other channels.
        }
    }

    /// <summary>
    /// Reads a partition's latest checkpoint (the one message of its state queue) and puts it straight back. Only the
    /// partition's owner reads or writes it: a checkpoint stored while another reader holds the message would be lost
    /// when that reader puts the older one back (RabbitMQ then drops the newer to keep the queue's length at one).
    /// When the partition's first delivery was a redelivery (it had an owner before) and the queue answers empty, the
    /// read is repeated for a while: an owner that died in the middle of its own read holds the message until RabbitMQ
    /// has noticed that its connection is gone.
    /// </summary>
    internal async Task<CheckpointRecord?> LoadCheckpointAsync(int partition, bool hadOwner, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + (hadOwner ? EmptyStateRetry : TimeSpan.Zero);
        while (true)
        {
            var record = await ReadCheckpointAsync(partition, cancellationToken).ConfigureAwait(false);
            if (record is not null || DateTime.UtcNow >= deadline)
            {
                return record;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<CheckpointRecord?> ReadCheckpointAsync(int partition, CancellationToken cancellationToken)
    {
        await _stateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await _stateChannel.BasicGetAsync(Topology.StateQueue(partition), autoAck: false, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                return null;
            }

            try
            {
                return CheckpointRecord.FromBytes(result.Body.Span);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
            {
                throw new InvalidDataException($"The state queue {Topology.StateQueue(partition)} holds a message that is not an NgsiFlow checkpoint: {e.Message}", e);
            }
            finally
            {
                await _stateChannel.BasicNackAsync(result.DeliveryTag, multiple: false, requeue: true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _stateLock.Release();
        }
    }

    /// <summary>Stores a checkpoint of <paramref name="owner"/>'s partition, unless the runner was abandoned meanwhile
    /// (its channel is gone, so the partition may have a new owner reading the state queue).</summary>
    /// <returns>Whether it was stored (RabbitMQ confirmed it).</returns>
    internal async Task<bool> StoreCheckpointAsync(PartitionRunner owner, byte[] record, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json", Type = "ngsiflow-checkpoint" };
        await _stateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (owner.IsAbandoned)
            {
                return false;
            }

            // Awaiting the publish waits for RabbitMQ's confirm: the checkpoint is durable before any acknowledgement.
            await _stateChannel.BasicPublishAsync(string.Empty, Topology.StateQueue(owner.Partition), mandatory: true, properties, record, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _stateLock.Release();
        }
    }

    private async Task RebalanceLoopAsync()
    {
        // Single active consumer gives every queue to its first subscriber; workers even that out themselves: each
        // keeps at most its fair share (partitions / workers subscribed) and hands the rest over, re-subscribing as a
        // standby at the end of the line.
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RebalanceInterval, token).ConfigureAwait(false);
                uint consumers;
                await _stateLock.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    consumers = (await _stateChannel.QueueDeclarePassiveAsync(Topology.WorkersQueue, token).ConfigureAwait(false)).ConsumerCount;
                }
                finally
                {
                    _stateLock.Release();
                }

                var share = (int)Math.Ceiling(Topology.Partitions / (double)Math.Max(1u, consumers));
                var owned = _slots.Where(s => s.Runner is { IsAbandoned: false }).ToList();
                foreach (var slot in owned.Skip(share))
                {
                    await ReleaseAsync(slot, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or TimeoutException)
            {
                RabbitMqLog.ConnectionLost(_logger, Job.Name, "rebalancing: " + e.Message);
            }
        }
    }

    private async Task ReleaseAsync(PartitionSlot slot, CancellationToken cancellationToken)
    {
        var runner = await RetireForReleaseAsync(slot, cancellationToken).ConfigureAwait(false);
        if (runner is null)
        {
            return;
        }

        try
        {
            await runner.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref Counters.Released);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The channel is closed all the same: the next owner processes what this one did not acknowledge.
            RabbitMqLog.CheckpointFailed(_logger, Job.Name, slot.Partition, e.Message);
        }

        await SubscribeAsync(slot, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the slot's channel out of use before its runner is released: no other runner starts on it.</summary>
    /// <returns>The runner to release, or null when the slot has none running.</returns>
    private async Task<PartitionRunner?> RetireForReleaseAsync(PartitionSlot slot, CancellationToken cancellationToken)
    {
        await slot.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (slot.Runner is not { IsAbandoned: false } runner || !ReferenceEquals(slot.Channel, runner.Channel))
            {
                return null;
            }

            slot.Channel = null;
            return runner;
        }
        finally
        {
            slot.Lock.Release();
        }
    }

    /// <summary>The channel this worker consumes a partition on now (for tests).</summary>
    internal IChannel? PartitionChannel(int partition) => _slots[partition].Channel;

    private sealed class PartitionSlot(int partition)
    {
        public int Partition { get; } = partition;

        public IChannel? Channel { get; set; }

        public string? ConsumerTag { get; set; }

        public PartitionRunner? Runner { get; set; }

        /// <summary>Serialises starting a runner on the slot's channel with retiring that channel.</summary>
        public SemaphoreSlim Lock { get; } = new(1, 1);
    }
}
