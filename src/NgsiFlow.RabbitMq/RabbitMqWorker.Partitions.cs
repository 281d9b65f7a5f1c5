using NgsiFlow.RabbitMq.Internal;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace NgsiFlow.RabbitMq;

public sealed partial class RabbitMqWorker
{
    private static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RebalanceInterval = TimeSpan.FromSeconds(1);

    private async Task SubscribeAsync(PartitionSlot slot, CancellationToken cancellationToken)
    {
        // One channel per partition: its delivery tags are that partition's, so one multiple-ack covers a checkpoint,
        // and closing it hands exactly that partition back to the queue.
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, Options.Prefetch, global: false, cancellationToken).ConfigureAwait(false);
        channel.ChannelShutdownAsync += (_, e) =>
        {
            // With automatic recovery the channel comes back with new delivery tags: the partition starts over from
            // its checkpoint when RabbitMQ delivers again.
            AbandonSlot(slot, channel, e.ReplyText);
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
            // A channel being closed (partition handed over): the message goes back to the queue with it.
            return;
        }

        var runner = slot.Runner;
        if (runner is null || runner.IsAbandoned || !ReferenceEquals(runner.Channel, channel))
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                runner = await PartitionRunner.StartAsync(this, slot.Partition, channel, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Could not read the checkpoint or restore it: give the partition back and try again later.
                RabbitMqLog.Abandoned(_logger, Job.Name, slot.Partition, "start failed: " + ex.Message);
                _ = ResubscribeAsync(slot, channel);
                return;
            }

            slot.Runner = runner;
            Interlocked.Increment(ref Counters.Takeovers);
        }

        runner.Post(delivery);
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
        _ = ResubscribeAsync(slot, runner.Channel);
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

    private async Task ResubscribeAsync(PartitionSlot slot, IChannel channel)
    {
        // Closing the channel returns the partition's unacknowledged messages to the queue (and the partition to
        // another worker, if one waits); this worker subscribes again as a standby.
        try
        {
            await channel.CloseAsync().ConfigureAwait(false);
            await Task.Delay(ResubscribeDelay, _stopping.Token).ConfigureAwait(false);
            await SubscribeAsync(slot, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // Stopping, or the connection is down: automatic recovery takes over the other channels.
        }
    }

    internal async Task<CheckpointRecord?> LoadCheckpointAsync(int partition, CancellationToken cancellationToken)
    {
        await _stateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await _stateChannel.BasicGetAsync(Topology.StateQueue(partition), autoAck: false, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                return null;
            }

            // Put it straight back: the state queue keeps only the latest checkpoint, which stays there until the
            // next one replaces it.
            var record = CheckpointRecord.FromBytes(result.Body.Span);
            await _stateChannel.BasicNackAsync(result.DeliveryTag, multiple: false, requeue: true, cancellationToken).ConfigureAwait(false);
            return record;
        }
        finally
        {
            _stateLock.Release();
        }
    }

    internal async Task StoreCheckpointAsync(int partition, byte[] record, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json", Type = "ngsiflow-checkpoint" };
        await _stateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Awaiting the publish waits for RabbitMQ's confirm: the checkpoint is durable before any acknowledgement.
            await _stateChannel.BasicPublishAsync(string.Empty, Topology.StateQueue(partition), mandatory: true, properties, record, cancellationToken).ConfigureAwait(false);
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
        if (slot.Runner is not { IsAbandoned: false } runner)
        {
            return;
        }

        await runner.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref Counters.Released);
        await SubscribeAsync(slot, cancellationToken).ConfigureAwait(false);
    }

    private sealed class PartitionSlot(int partition)
    {
        public int Partition { get; } = partition;

        public IChannel? Channel { get; set; }

        public string? ConsumerTag { get; set; }

        public PartitionRunner? Runner { get; set; }
    }
}
