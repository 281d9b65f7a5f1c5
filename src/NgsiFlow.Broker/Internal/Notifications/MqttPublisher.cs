using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal.Notifications;

/// <summary>
/// Publishes MQTT notifications. As in Orion, the connection to an MQTT broker is made on the first notification for
/// it, shared by every subscription with the same broker and credentials, and dropped after a failure so that the next
/// notification connects afresh. A publish succeeds once the broker confirmed it as its QoS asks (written for 0,
/// PUBACK for 1, PUBCOMP for 2).
/// </summary>
internal sealed class MqttPublisher : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Host, int Port, string? User, string? Passwd), Connection> _connections = new();
    private readonly MqttClientFactory _factory = new();
    private readonly TimeSpan _timeout;

    public MqttPublisher(TimeSpan timeout)
    {
        _timeout = timeout;
    }

    /// <summary>Publishes the job's body on its topic; throws when the broker cannot be reached or refuses.</summary>
    public async Task PublishAsync(NotificationJob job, CancellationToken cancellationToken)
    {
        var endpoint = job.Mqtt!;
        var connection = _connections.GetOrAdd(endpoint.ConnectionKey, _ => new Connection(this, endpoint));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        IMqttClient? client = null;
        try
        {
            client = await connection.ClientAsync(timeout.Token).ConfigureAwait(false);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(job.Topic!)
                .WithPayload(job.Body ?? [])
                .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)endpoint.Qos)
                .WithRetainFlag(endpoint.Retain)
                .Build();
            var result = await client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"the MQTT broker refused the publish: {result.ReasonCode}");
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.ResetAsync(client).ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values)
        {
            await connection.ResetAsync(null).ConfigureAwait(false);
        }

        _connections.Clear();
    }

    private sealed class Connection(MqttPublisher owner, MqttEndpoint endpoint)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private IMqttClient? _client;

        public async Task<IMqttClient> ClientAsync(CancellationToken cancellationToken)
        {
            var client = Volatile.Read(ref _client);
            if (client is { IsConnected: true })
            {
                return client;
            }

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_client is { IsConnected: true })
                {
                    return _client;
                }

                _client?.Dispose();
                _client = null;
                var builder = new MqttClientOptionsBuilder()
                    .WithTcpServer(endpoint.Host, endpoint.Port)
                    .WithClientId("ngsiflow-broker-" + Guid.NewGuid().ToString("N")[..12])
                    .WithProtocolVersion(MqttProtocolVersion.V311)
                    .WithCleanSession(true)
                    .WithTimeout(owner._timeout)
                    .WithKeepAlivePeriod(TimeSpan.FromSeconds(60));
                if (endpoint.User is not null)
                {
                    builder.WithCredentials(endpoint.User, endpoint.Passwd);
                }

                var fresh = owner._factory.CreateMqttClient();
                try
                {
                    await fresh.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    fresh.Dispose();
                    throw;
                }

                Volatile.Write(ref _client, fresh);
                return fresh;
            }
            finally
            {
                _gate.Release();
            }
        }

        /// <summary>Drops the connection that failed (any, when <paramref name="failed"/> is null).</summary>
        public async Task ResetAsync(IMqttClient? failed)
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_client is null || (failed is not null && !ReferenceEquals(_client, failed)))
                {
                    return;
                }

                var client = _client;
                _client = null;
                if (client.IsConnected)
                {
                    try
                    {
                        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), quick.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
                    {
                        // Going anyway.
                    }
                }

                client.Dispose();
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
