using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NgsiFlow.Broker.Tests.Infrastructure;

/// <summary>An MQTT subscriber on a real mosquitto that records every message it gets, as Orion's test accumulator does.</summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<ReceivedMessage> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private MqttProbe(IMqttClient client)
    {
        _client = client;
    }

    public IReadOnlyList<ReceivedMessage> Received => [.. _received];

    /// <summary>Connects and subscribes to <paramref name="topicFilter"/> with QoS 2 (so each message keeps the QoS it was published with).</summary>
    public static async Task<MqttProbe> StartAsync(Uri broker, string topicFilter, string? user = null, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var probe = new MqttProbe(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            probe._received.Enqueue(new ReceivedMessage(m.Topic, Encoding.UTF8.GetString(m.Payload), m.QualityOfServiceLevel, m.Retain));
            probe._arrived.Release();
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId("probe-" + Guid.NewGuid().ToString("N")[..10]).WithCleanSession(true);
        if (user is not null)
        {
            options.WithCredentials(user, password);
        }

        await client.ConnectAsync(options.Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(topicFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.ExactlyOnce)).Build());
        return probe;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (_received.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"{_received.Count} MQTT messages arrived, {count} expected.");
            }
        }

        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }

        _client.Dispose();
        _arrived.Dispose();
    }
}

/// <summary>One MQTT message as a subscriber got it.</summary>
public sealed record ReceivedMessage(string Topic, string Payload, MqttQualityOfServiceLevel Qos, bool Retain);
