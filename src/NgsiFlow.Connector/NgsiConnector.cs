using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Engine;

namespace NgsiFlow.Connector;

/// <summary>
/// Brokers, jobs and subscriptions in one process: declare what each job subscribes to, start, and NgsiFlow runs the
/// receiver, creates (or reuses) the subscriptions pointing at it, renews them, and at a graceful stop deletes them,
/// lets requests in flight finish, drains the jobs and flushes the repliers.
/// </summary>
/// <example>
/// <code>
/// await using var connector = new NgsiConnector(new ConnectorOptions { Receiver = { Port = 9100 } });
/// var orion = connector.AddBroker(BrokerConnection.V2(new Uri("http://localhost:1026")));
/// var job = new StreamJob("concrete");
/// var replier = connector.Replier(orion);
/// connector.Subscribe(job, orion, new SubscriptionRequest { Entities = [EntityFilter.OfType("ConcreteMix")] })
///     .ForEachAsync((e, ct) => new ValueTask(replier.UpdateAttributesAsync(e, [new("strength", NgsiValue.FromNumber(42))], ct)));
/// await connector.StartAsync(ct);
/// </code>
/// </example>
public sealed class NgsiConnector : IAsyncDisposable
{
    private readonly ConnectorOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, JobEntry> _jobs = new(StringComparer.Ordinal);
    private readonly List<(JobEntry Job, BrokerConnection Broker, SubscriptionRequest Request)> _declared = [];
    private readonly List<(string Route, StreamJob Job, StreamInput<IngestedRecord> Input)> _ingests = [];
    private readonly List<BrokerConnection> _brokers = [];
    private readonly List<NgsiReplier> _repliers = [];
    private readonly SubscriptionManager _subscriptions;
    private NgsiReceiver? _receiver;
    private NgsiMqttReceiver? _mqtt;
    private int _state;

    /// <summary>Creates a connector; nothing runs before <see cref="StartAsync"/>.</summary>
    /// <param name="options">Receiver and subscription settings.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public NgsiConnector(ConnectorOptions? options = null)
    {
        _options = options ?? new ConnectorOptions();
        _options.Validate();
        _options.Receiver.LoggerFactory ??= _options.LoggerFactory;
        if (_options.Mqtt is { } mqtt)
        {
            mqtt.LoggerFactory ??= _options.LoggerFactory;
        }

        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NgsiFlow.Connector");
        _subscriptions = new SubscriptionManager(_options, _logger);
    }

    /// <summary>The running receiver.</summary>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public NgsiReceiver Receiver => _receiver ?? throw new InvalidOperationException("The connector has not started; call StartAsync first.");

    /// <summary>The running MQTT notification source, when <see cref="ConnectorOptions.Mqtt"/> is set.</summary>
    /// <exception cref="InvalidOperationException">Not started, or no MQTT options.</exception>
    public NgsiMqttReceiver MqttReceiver => _mqtt ?? throw new InvalidOperationException(_options.Mqtt is null
        ? "The connector has no MQTT source; set ConnectorOptions.Mqtt."
        : "The connector has not started; call StartAsync first.");

    /// <summary>The managed subscriptions, once started.</summary>
    public IReadOnlyList<ManagedSubscription> Subscriptions => _subscriptions.Subscriptions;

    /// <summary>Adds a broker the connector owns (disposed with it).</summary>
    /// <param name="broker">The connection.</param>
    /// <returns>The same connection.</returns>
    public BrokerConnection AddBroker(BrokerConnection broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        lock (_brokers)
        {
            _brokers.Add(broker);
        }

        return broker;
    }

    /// <summary>The job's stream of notified entities. A job has one such stream whatever the number of its
    /// subscriptions; brokers can also post to <c>{receiver}/notify/{job}</c> directly.</summary>
    /// <param name="job">A job that has not started.</param>
    /// <param name="capacity">The input's capacity (the job's default when null): past it, the receiver holds requests.</param>
    /// <returns>The job's events.</returns>
    public Stream<NgsiEvent> Events(StreamJob job, int? capacity = null) => Entry(job, capacity).Input;

    /// <summary>Declares a subscription of <paramref name="job"/> on <paramref name="broker"/>; created at start.</summary>
    /// <param name="job">A job that has not started.</param>
    /// <param name="broker">The broker to subscribe on.</param>
    /// <param name="request">What the job wants.</param>
    /// <returns>The job's events (the same stream for every subscription of the job).</returns>
    /// <exception cref="ArgumentException">The request does not fit the broker, or its name is taken in the job.</exception>
    public Stream<NgsiEvent> Subscribe(StreamJob job, BrokerConnection broker, SubscriptionRequest request)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(broker.Api);
        CheckTransport(request);
        var entry = Entry(job, null);
        lock (_declared)
        {
            if (_declared.Any(d => d.Job == entry && d.Request.Name == request.Name))
            {
                throw new ArgumentException($"Job '{job.Name}' already has a subscription named '{request.Name}'; give each a distinct SubscriptionRequest.Name.", nameof(request));
            }

            _declared.Add((entry, broker, request));
        }

        return entry.Input;
    }

    /// <summary>
    /// The records devices post to <c>POST {IngestPath}/{route}</c> (any JSON object, array of objects or JSON lines),
    /// as a stream of <paramref name="job"/>; the receiver answers 2xx once the job's input holds them.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="route">The route's name, URL-safe (letters, digits, '.', '_', '-').</param>
    /// <param name="capacity">The input's capacity (the job's default when null).</param>
    /// <returns>The records, with their route and receiving time.</returns>
    /// <exception cref="ArgumentException">The route's name is not URL-safe or is taken.</exception>
    public Stream<IngestedRecord> Ingest(StreamJob job, string route, int? capacity = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        NgsiReceiver.CheckName(route, nameof(route));
        EnsureNotStarted();
        lock (_ingests)
        {
            if (_ingests.Any(i => i.Route == route))
            {
                throw new ArgumentException($"An ingest route named '{route}' is declared already.", nameof(route));
            }

            var input = job.Input<IngestedRecord>(capacity, "ingest-" + route);
            _ingests.Add((route, job, input));
            return input;
        }
    }

    /// <summary>
    /// Routes the job named <paramref name="job"/> to a custom <paramref name="target"/> instead of a local job input:
    /// a receiver-only process (distributed mode) hands events to a message-broker publisher this way, and declares the
    /// job's subscriptions with <see cref="Subscribe(string, BrokerConnection, SubscriptionRequest)"/>.
    /// </summary>
    /// <param name="job">The job's name, URL-safe.</param>
    /// <param name="target">Where its events go.</param>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    public void Route(string job, INotificationTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        NgsiReceiver.CheckName(job, nameof(job));
        EnsureNotStarted();
        lock (_jobs)
        {
            if (!_jobs.TryAdd(job, new JobEntry(job, null, null, target)))
            {
                throw new ArgumentException($"A job named '{job}' is registered already.", nameof(job));
            }
        }
    }

    /// <summary>Declares a subscription for a job routed with <see cref="Route"/>; created at start.</summary>
    /// <param name="job">The routed job's name.</param>
    /// <param name="broker">The broker to subscribe on.</param>
    /// <param name="request">What the job wants.</param>
    /// <exception cref="ArgumentException">No such routed job, or the request does not fit the broker.</exception>
    public void Subscribe(string job, BrokerConnection broker, SubscriptionRequest request)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(broker.Api);
        CheckTransport(request);
        EnsureNotStarted();
        JobEntry? entry;
        lock (_jobs)
        {
            _jobs.TryGetValue(job, out entry);
        }

        if (entry is null || entry.Job is not null)
        {
            throw new ArgumentException($"No job named '{job}' was routed with Route(job, target); for a local StreamJob use Subscribe(StreamJob, ...).", nameof(job));
        }

        lock (_declared)
        {
            if (_declared.Any(d => d.Job == entry && d.Request.Name == request.Name))
            {
                throw new ArgumentException($"Job '{job}' already has a subscription named '{request.Name}'.", nameof(request));
            }

            _declared.Add((entry, broker, request));
        }
    }

    /// <summary>A replier writing to <paramref name="broker"/>; flushed and disposed when the connector stops.</summary>
    /// <param name="broker">Where to write.</param>
    /// <param name="options">Batching and dead letters.</param>
    /// <returns>The replier.</returns>
    public NgsiReplier Replier(BrokerConnection broker, ReplierOptions? options = null)
    {
        var replier = new NgsiReplier(broker, options);
        lock (_repliers)
        {
            _repliers.Add(replier);
        }

        return replier;
    }

    /// <summary>Starts the receiver, routes every job, starts the jobs and creates (or reuses) their subscriptions.</summary>
    /// <param name="cancellationToken">Aborts the start.</param>
    /// <returns>Completes when every subscription exists.</returns>
    /// <exception cref="InvalidOperationException">Already started, or a broker refused or could not be reached
    /// (the message names the job, the subscription and the broker).</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The connector was already started.");
        }

        _receiver = await NgsiReceiver.StartAsync(_options.Receiver, cancellationToken).ConfigureAwait(false);
        foreach (var entry in _jobs.Values)
        {
            entry.Route = _receiver.AddJob(entry.Name, entry.Target);
            if (entry.Job is { IsStarted: false } job)
            {
                job.Start();
            }
        }

        foreach (var (route, job, input) in _ingests)
        {
            _receiver.AddIngest(route, new RecordInputTarget(input));
            if (!job.IsStarted)
            {
                job.Start();
            }
        }

        if (_options.Mqtt is { } mqttOptions)
        {
            // Jobs are routed before connecting: a persistent session delivers what it kept right after the connect.
            _mqtt = new NgsiMqttReceiver(mqttOptions);
            foreach (var entry in _jobs.Values)
            {
                entry.MqttRoute = _mqtt.AddJob(entry.Name, entry.Target);
            }

            await _mqtt.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        var headers = InboundHeaders(_options.Receiver);
        foreach (var (entry, broker, request) in _declared)
        {
            try
            {
                if (request.Transport == NotificationTransport.Mqtt)
                {
                    await _subscriptions.EnsureMqttAsync(entry.MqttRoute!, _options.Mqtt!, broker, request, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _subscriptions.EnsureAsync(entry.Route!, broker, request, headers, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NgsiFlow.Client.NgsiClientException e)
            {
                throw new InvalidOperationException(
                    $"Job '{entry.Name}' could not subscribe ('{request.Name}') on broker '{broker.Name}' at {broker.BaseAddress}: {e.Message} "
                    + "Subscriptions created so far are deleted by StopAsync or DisposeAsync.",
                    e);
            }
        }

        ConnectorLog.Started(_logger, _jobs.Count, _declared.Count, _receiver.PublicBaseUrl);
    }

    /// <summary>
    /// Stops gracefully: deletes the managed subscriptions (unless disabled), stops the receiver after the requests in
    /// flight, drains the jobs (everything answered 2xx is processed) and flushes the repliers.
    /// </summary>
    /// <param name="cancellationToken">Turns the drain into a hard stop.</param>
    /// <returns>Completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        if (_options.DeleteSubscriptionsOnStop)
        {
            await _subscriptions.DeleteAllAsync(cancellationToken).ConfigureAwait(false);
        }

        await _subscriptions.DisposeAsync().ConfigureAwait(false);
        if (_receiver is not null)
        {
            await _receiver.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_mqtt is not null)
        {
            await _mqtt.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var job in _jobs.Values.Select(e => e.Job).Concat(_ingests.Select(i => i.Job)).OfType<StreamJob>().Distinct())
        {
            await job.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var replier in _repliers)
        {
            await replier.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        ConnectorLog.Stopped(_logger);
    }

    /// <summary>Stops (gracefully when still running) and releases the receiver, repliers and brokers.</summary>
    /// <returns>Completes when released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _state) == 1)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Volatile.Write(ref _state, 3);
        foreach (var replier in _repliers)
        {
            await replier.DisposeAsync().ConfigureAwait(false);
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync().ConfigureAwait(false);
        }

        if (_mqtt is not null)
        {
            await _mqtt.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var broker in _brokers)
        {
            broker.Dispose();
        }
    }

    private void CheckTransport(SubscriptionRequest request)
    {
        if (request.Transport == NotificationTransport.Mqtt && _options.Mqtt is null)
        {
            throw new ArgumentException($"Subscription '{request.Name}' asks for MQTT notifications; set ConnectorOptions.Mqtt (the MQTT broker and client id) first.", nameof(request));
        }
    }

    private void EnsureNotStarted()
    {
        if (Volatile.Read(ref _state) != 0)
        {
            throw new InvalidOperationException("Declare jobs and subscriptions before StartAsync.");
        }
    }

    private JobEntry Entry(StreamJob job, int? capacity)
    {
        ArgumentNullException.ThrowIfNull(job);
        EnsureNotStarted();

        lock (_jobs)
        {
            if (_jobs.TryGetValue(job.Name, out var existing))
            {
                if (!ReferenceEquals(existing.Job, job))
                {
                    throw new ArgumentException($"Another job named '{job.Name}' is registered; job names route notifications and must be unique.", nameof(job));
                }

                return existing;
            }

            NgsiReceiver.CheckName(job.Name, nameof(job));
            var entry = new JobEntry(job.Name, job, job.Input<NgsiEvent>(capacity, "notifications"), null);
            _jobs.Add(job.Name, entry);
            return entry;
        }
    }

    private static Dictionary<string, string> InboundHeaders(ReceiverOptions receiver)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (receiver.BearerToken is { } token)
        {
            headers["Authorization"] = "Bearer " + token;
        }

        if (receiver.SharedSecretHeader is { } name)
        {
            headers[name] = receiver.SharedSecret!;
        }

        return headers;
    }

    private sealed class JobEntry(string name, StreamJob? job, StreamInput<NgsiEvent>? input, INotificationTarget? target)
    {
        public string Name { get; } = name;

        public StreamJob? Job { get; } = job;

        public StreamInput<NgsiEvent> Input => input ?? throw new InvalidOperationException($"Job '{Name}' is routed to a custom target; it has no local input.");

        public INotificationTarget Target { get; } = target ?? new StreamInputTarget(input!);

        public ReceiverRoute? Route { get; set; }

        public MqttRoute? MqttRoute { get; set; }
    }
}
