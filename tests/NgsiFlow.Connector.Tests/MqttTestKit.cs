using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NgsiFlow.Connector.Tests;

/// <summary>A target that records what it owns, optionally holding every batch until released.</summary>
internal sealed class RecordingTarget : INotificationTarget
{
    private readonly ConcurrentQueue<NotificationBatch> _batches = new();
    private readonly SemaphoreSlim _arrived = new(0);

    /// <summary>When set, AcceptAsync waits for it (the job "full").</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Signalled when a batch reached AcceptAsync (before the gate).</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<NotificationBatch> Batches => [.. _batches];

    public IEnumerable<NgsiEvent> Events => _batches.SelectMany(b => b.Events);

    public async ValueTask AcceptAsync(NotificationBatch batch, CancellationToken cancellationToken)
    {
        Entered.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        _batches.Enqueue(batch);
        _arrived.Release();
    }

    public async Task WaitForAsync(int batches, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (_batches.Count < batches)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"{_batches.Count} batches arrived, {batches} expected.");
            }
        }
    }
}

/// <summary>Publishes raw MQTT messages, as a context broker or a misbehaving client would.</summary>
internal sealed class MqttPublisher : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private MqttPublisher(IMqttClient client) => _client = client;

    public static async Task<MqttPublisher> ConnectAsync(Uri broker)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId("pub-" + Guid.NewGuid().ToString("N")[..10]).WithCleanSession(true).Build());
        return new MqttPublisher(client);
    }

    public Task PublishAsync(string topic, string payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }

        _client.Dispose();
    }
}

/// <summary>Waits on a condition, polling; for states the tests cannot await directly.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }
}
