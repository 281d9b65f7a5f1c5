using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// The MQTT notification source: subscribes with QoS 1 to <c>{TopicPrefix}/#</c> on an MQTT broker where a context broker
/// publishes its notifications (Orion's <c>notification.mqtt</c>), parses each message with the same parser as the HTTP
/// <see cref="NgsiReceiver"/>, hands the events to the job registered for the topic and acknowledges the message (PUBACK)
/// only once the job's target owns them. The session is persistent (fixed client id, clean start off, a session expiry):
/// what is published while the receiver is down or reconnecting is delivered when it is back, and a message that was not
/// acknowledged is delivered again. Delivery is therefore at least once: a receiver that dies between the hand-over and
/// the PUBACK gets the message again, and its job sees it twice.
/// </summary>
/// <example>
/// <code>
/// await using var mqtt = new NgsiMqttReceiver(new MqttReceiverOptions { BrokerUrl = new Uri("mqtt://localhost:1883"), ClientId = "concrete" });
/// var route = mqtt.AddJob("concrete", new StreamInputTarget(job.Input&lt;NgsiEvent&gt;()));
/// await mqtt.StartAsync(ct);          // topic: ngsiflow/concrete
/// </code>
/// </example>
public sealed partial class NgsiMqttReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, MqttRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (MqttRoute Route, NotificationParseOptions Parse, FiwareContext? Fiware)> _topics = new(StringComparer.Ordinal);
    private readonly RouteCounters _counters = new();
    private readonly MqttReceiverOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<Inbound> _inbox;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _reconnect = new(0);
    private IMqttClient? _client;
    private Task? _processor;
    private Task? _supervisor;
    private long _generation;
    private long _connections;
    private long _redelivered;
    private int _state;

    /// <summary>Creates a receiver; register jobs with <see cref="AddJob"/>, then <see cref="StartAsync"/>.</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public NgsiMqttReceiver(MqttReceiverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = options.TimeProvider;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NgsiFlow.Connector.MqttReceiver");

        // What the broker sends unacknowledged is bounded (Receive Maximum in MQTT 5, the broker's in-flight limit in
        // 3.1.1), so the inbox rarely fills; when it does, the MQTT client waits before reading more.
        _inbox = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(Math.Max(options.ReceiveMaximum, 1024)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>The settings the receiver runs with.</summary>
    public MqttReceiverOptions Options => _options;

    /// <summary>The jobs registered, by name.</summary>
    public IReadOnlyDictionary<string, MqttRoute> Routes => _routes;

    /// <summary>Whether the receiver is connected to the MQTT broker now.</summary>
    public bool IsConnected => _client?.IsConnected ?? false;

    /// <summary>Connections made since start (1 plus the reconnections).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Messages the broker flagged as redelivered (DUP): sent before, not acknowledged then.</summary>
    public long Redelivered => Interlocked.Read(ref _redelivered);

    /// <summary>Registers a job: notifications on <c>{TopicPrefix}/{job}</c> (and its subscription topics) go to <paramref name="target"/>.
    /// Register jobs before <see cref="StartAsync"/>: messages a persistent session kept are delivered right after connecting.</summary>
    /// <param name="job">The job's name (letters, digits, '.', '_', '-').</param>
    /// <param name="target">Where its events go.</param>
    /// <returns>The job's route.</returns>
    /// <exception cref="ArgumentException">The name is not a plain name.</exception>
    /// <exception cref="InvalidOperationException">A job with that name is registered already.</exception>
    public MqttRoute AddJob(string job, INotificationTarget target)
    {
        NgsiReceiver.CheckName(job, nameof(job));
        ArgumentNullException.ThrowIfNull(target);
        var route = new MqttRoute(this, job, target, _options.TopicPrefix + "/" + job);
        if (!_routes.TryAdd(job, route))
        {
            throw new InvalidOperationException($"The MQTT receiver already has a job named '{job}'.");
        }

        MapTopic(route.Topic, route, NotificationParseOptions.Default, null);
        return route;
    }

    /// <summary>Unregisters a job; messages on its topics are dropped as unroutable afterwards.</summary>
    /// <param name="job">The job's name.</param>
    /// <returns>True when it was registered.</returns>
    public bool RemoveJob(string job)
    {
        if (!_routes.TryRemove(job, out var route))
        {
            return false;
        }

        route.UnmapAll();
        return true;
    }

    /// <summary>The receiver's counters since start, over all routes (including messages on unknown topics).</summary>
    /// <returns>A snapshot.</returns>
    public ReceiverStatistics GetStatistics() => _counters.Snapshot();

    /// <summary>Connects (with the persistent session), subscribes and starts handing messages to the jobs.</summary>
    /// <param name="cancellationToken">Aborts the start.</param>
    /// <returns>Completes once connected.</returns>
    /// <exception cref="InvalidOperationException">Already started, or the MQTT broker cannot be reached or refused the connection.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The MQTT receiver was already started.");
        }

        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += OnDisconnectedAsync;
        _client = client;
        try
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"The MQTT receiver could not connect to {_options.BrokerUrl} as '{_options.ClientId}': {e.Message}", e);
        }

        _processor = Task.Run(ProcessAsync);
        _supervisor = Task.Run(SuperviseAsync);
    }

    /// <summary>
    /// Stops: finishes the message being handed over (its PUBACK goes out), then disconnects, leaving the session on
    /// the broker; what was received but not handed over is delivered again at the next start.
    /// </summary>
    /// <param name="cancellationToken">Cuts the wait short.</param>
    /// <returns>Completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _reconnect.Release();
        foreach (var task in new[] { _processor, _supervisor })
        {
            if (task is not null)
            {
                await task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_client is { IsConnected: true } client)
        {
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                MqttReceiverLog.DisconnectFailed(_logger, e.Message);
            }
        }

        MqttReceiverLog.Stopped(_logger, _options.BrokerUrl!);
    }

    /// <summary>Stops and releases the client.</summary>
    /// <returns>Completes when released.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        Volatile.Write(ref _state, 3);
        _client?.Dispose();
        _stopping.Dispose();
    }

    internal void MapTopic(string topic, MqttRoute route, NotificationParseOptions parse, FiwareContext? fiware)
    {
        var existing = _topics.GetOrAdd(topic, (route, parse, fiware));
        if (!ReferenceEquals(existing.Route, route))
        {
            throw new InvalidOperationException($"The topic '{topic}' is already routed to job '{existing.Route.Job}'.");
        }

        _topics[topic] = (route, parse, fiware);
    }

    internal bool UnmapTopic(string topic) => _topics.TryRemove(topic, out _);

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var url = _options.BrokerUrl!;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(url.Host, url.IsDefaultPort || url.Port < 0 ? 1883 : url.Port)
            .WithClientId(_options.ClientId)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.ConnectTimeout);
        if (_options.UseMqtt5)
        {
            builder.WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(false)
                .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds).WithReceiveMaximum((ushort)_options.ReceiveMaximum);
        }
        else
        {
            // MQTT 3.1.1, as Orion publishes: a clean-session-off session lasts until the broker expires it
            // (mosquitto: persistent_client_expiration), and the broker's in-flight limit bounds what is unacknowledged.
            builder.WithProtocolVersion(MqttProtocolVersion.V311).WithCleanSession(false);
        }

        if (_options.User is not null)
        {
            builder.WithCredentials(_options.User, _options.Password);
        }

        // Messages still in the inbox came over the old connection: their PUBACK could not reach the broker, which
        // sends them again on this one, so they are skipped rather than handed over twice.
        Interlocked.Increment(ref _generation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        var result = await _client!.ConnectAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        if (!result.IsSessionPresent)
        {
            var subscribe = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f =>
                {
                    f.WithTopic(_options.TopicPrefix + "/#").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
                    if (_options.UseMqtt5)
                    {
                        f.WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly);
                    }
                })
                .Build();
            var subscribed = await _client.SubscribeAsync(subscribe, timeout.Token).ConfigureAwait(false);
            var code = subscribed.Items.First().ResultCode;
            if (code is not (MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
            {
                throw new InvalidOperationException($"the broker did not grant QoS 1 on '{_options.TopicPrefix}/#': {code}");
            }
        }

        var n = Interlocked.Increment(ref _connections);
        MqttReceiverLog.Connected(_logger, url, _options.ClientId, result.IsSessionPresent, n);
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected && !_stopping.IsCancellationRequested)
        {
            MqttReceiverLog.Disconnected(_logger, _options.BrokerUrl!, e.Reason.ToString(), e.Exception?.Message ?? string.Empty);
            _reconnect.Release();
        }

        return Task.CompletedTask;
    }

    /// <summary>Reconnects with exponential back-off (and jitter) each time the connection drops.</summary>
    private async Task SuperviseAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _reconnect.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var delay = _options.ReconnectMinDelay;
            for (var attempt = 1; !token.IsCancellationRequested && !(_client?.IsConnected ?? false); attempt++)
            {
                try
                {
                    var jittered = delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
                    await Task.Delay(jittered, _time, token).ConfigureAwait(false);
                    await ConnectAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    MqttReceiverLog.ReconnectFailed(_logger, _options.BrokerUrl!, attempt, e.Message);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
                }
            }
        }
    }

    /// <summary>A received message; <see cref="Payload"/> is null when it was larger than the limit.</summary>
    private sealed record Inbound(MqttApplicationMessageReceivedEventArgs Args, string Topic, byte[]? Payload, bool Duplicate, long Generation);
}
