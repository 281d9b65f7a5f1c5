using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal.Notifications;

/// <summary>
/// Sends notifications in the background. Each subscription has its own bounded queue and a few sender loops, so
/// that a slow or dead receiver fills only its own queue; updates never wait: when a queue is full the new
/// notification is dropped, counted and logged (and the subscription records a failure, as Orion does when it
/// cannot deliver). The queue is split into one lane per sender and an entity always goes to the same lane, so the
/// notifications about one entity leave in the order of its updates while different entities go out in parallel.
/// A global semaphore bounds the number of requests in flight; one keep-alive HttpClient serves all.
/// </summary>
internal sealed partial class NotificationDispatcher : IAsyncDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
    private readonly ConcurrentDictionary<Subscription, Lazy<SubscriptionQueue>> _queues = new();
    private readonly HttpClient _client;
    private readonly MqttPublisher _mqtt;
    private readonly SemaphoreSlim _inFlight;
    private readonly int _queueCapacity;
    private readonly int _sendersPerSubscription;
    private readonly TimeSpan _timeout;
    private readonly int _pipelineDepth;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Counter<long> _sentCounter;
    private readonly Counter<long> _failedCounter;
    private readonly Counter<long> _droppedCounter;
    private long _sent;
    private long _failed;
    private long _dropped;

    public NotificationDispatcher(BrokerOptions options, ILogger logger, Meter meter)
    {
        _logger = logger;
        _queueCapacity = options.NotificationQueueCapacity;
        _sendersPerSubscription = options.NotificationSendersPerSubscription;
        _timeout = options.NotificationTimeout;
        _pipelineDepth = options.NotificationPipelineDepth;
        _inFlight = new SemaphoreSlim(options.MaxConcurrentNotifications);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConcurrentNotifications,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.NotificationTimeout,
            UseCookies = false,
            AllowAutoRedirect = false,
            UseProxy = false,
        };
        // Each request has its own timeout: the subscription's (http.timeout) or the broker's.
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _mqtt = new MqttPublisher(options.NotificationTimeout);
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("ngsiflow-broker/0.1");
        _client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        _sentCounter = meter.CreateCounter<long>("ngsiflow.broker.notifications.sent", description: "Notifications delivered (any HTTP answer).");
        _failedCounter = meter.CreateCounter<long>("ngsiflow.broker.notifications.failed", description: "Notifications that could not be delivered.");
        _droppedCounter = meter.CreateCounter<long>("ngsiflow.broker.notifications.dropped", description: "Notifications dropped because the subscription's queue was full.");
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Notifications queued or in flight.</summary>
    public long Pending => _queues.Values.Sum(q => q.Value.Pending);

    /// <summary>
    /// Persists a subscription whose runtime state changed (a oneshot that notified, one disabled by failures), so that
    /// a durable store keeps it inactive across a restart; null for the memory store.
    /// </summary>
    public Func<Subscription, ValueTask>? StateChanged { get; set; }

    /// <summary>Queues a notification without waiting; returns false (and counts a drop) when its queue is full.</summary>
    public bool Enqueue(NotificationJob job)
    {
        if (job.Subscription.Status == "oneshot")
        {
            // Its one notification was claimed when it was rendered: from now on it is inactive.
            PersistState(job.Subscription);
        }

        var queue = _queues.GetOrAdd(job.Subscription, _ => new Lazy<SubscriptionQueue>(() => new SubscriptionQueue(this))).Value;
        if (Interlocked.Increment(ref queue.PendingCount) <= _queueCapacity && queue.LaneOf(job).Writer.TryWrite(job))
        {
            return true;
        }

        Interlocked.Decrement(ref queue.PendingCount);
        Interlocked.Increment(ref _dropped);
        _droppedCounter.Add(1, new KeyValuePair<string, object?>("subscription", job.Subscription.Id));
        LogDropped(job.Subscription.Id, _queueCapacity);
        if (job.Subscription.RecordDrop(Dates.Now(), job.Mqtt is null ? "notification queue full" : null))
        {
            Disabled(job.Subscription);
        }

        return false;
    }

    /// <summary>A failure made failsCounter pass maxFailsLimit: logged as Orion logs it, and stored as inactive.</summary>
    private void Disabled(Subscription subscription)
    {
        LogDisabled(subscription.Id, Interlocked.Read(ref subscription.FailsCounter), subscription.MaxFailsLimit);
        PersistState(subscription);
    }

    private void PersistState(Subscription subscription)
    {
        if (StateChanged is { } save && !subscription.Retired)
        {
            _ = PersistStateAsync(save, subscription);
        }
    }

    private async Task PersistStateAsync(Func<Subscription, ValueTask> save, Subscription subscription)
    {
        try
        {
            await save(subscription).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The broker goes on with the state in memory; a failed store write is logged, never thrown at a sender loop.
            LogStateNotSaved(subscription.Id, ex.Message);
        }
    }

    /// <summary>Stops the sender loops of a deleted or replaced subscription once its queue drains.</summary>
    public void Retire(Subscription subscription)
    {
        if (_queues.TryRemove(subscription, out var queue))
        {
            queue.Value.Complete();
        }
    }

    /// <summary>Waits until every queued notification was attempted, or the timeout passes.</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Pending > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues.Values)
        {
            queue.Value.Complete();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var queue in _queues.Values)
        {
            try
            {
                await Task.WhenAll(queue.Value.Senders).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Senders blocked on a dead receiver end with the HttpClient below.
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _client.Dispose();
        await _mqtt.DisposeAsync().ConfigureAwait(false);
        _inFlight.Dispose();
        _stopping.Dispose();
    }

    private async Task SendLoopAsync(SubscriptionQueue queue, ChannelReader<NotificationJob> reader)
    {
        var token = _stopping.Token;
        using var raw = new RawHttpSender(_timeout, token);
        var batch = new List<NotificationJob>(_pipelineDepth);
        var results = new (int, Exception?)[_pipelineDepth];
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var job))
                {
                    if (job.Mqtt is not null)
                    {
                        try
                        {
                            await SendMqttAsync(job, token).ConfigureAwait(false);
                        }
                        finally
                        {
                            Interlocked.Decrement(ref queue.PendingCount);
                        }

                        continue;
                    }

                    batch.Clear();
                    batch.Add(job);
                    var uri = job.ParsedUrl ?? new Uri(job.Url);
                    NotificationJob? other = null;
                    if (Pipelined(job, uri))
                    {
                        // Whatever else is queued for the same endpoint goes out pipelined on the same connection.
                        while (batch.Count < _pipelineDepth && reader.TryRead(out var next))
                        {
                            if (next.Mqtt is null && next.ParsedUrl is { } nextUri && nextUri.Port == uri.Port && nextUri.Host == uri.Host && nextUri.Scheme == uri.Scheme && Pipelined(next, nextUri))
                            {
                                batch.Add(next);
                            }
                            else
                            {
                                other = next;
                                break;
                            }
                        }
                    }

                    try
                    {
                        await SendAsync(batch, uri, raw, results, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Add(ref queue.PendingCount, -batch.Count);
                    }

                    if (other is not null)
                    {
                        batch.Clear();
                        batch.Add(other);
                        try
                        {
                            if (other.Mqtt is not null)
                            {
                                await SendMqttAsync(other, token).ConfigureAwait(false);
                            }
                            else
                            {
                                await SendAsync(batch, other.ParsedUrl ?? new Uri(other.Url), raw, results, token).ConfigureAwait(false);
                            }
                        }
                        finally
                        {
                            Interlocked.Decrement(ref queue.PendingCount);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Broker stopping.
        }
    }

    private async Task SendAsync(List<NotificationJob> jobs, Uri uri, RawHttpSender raw, (int Status, Exception? Error)[] results, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        var spans = BrokerTracing.Source.HasListeners() ? jobs.Select(BrokerTracing.StartNotify).ToList() : null;
        try
        {
            if (Pipelined(jobs[0], uri))
            {
                await raw.SendAsync(jobs, uri, results).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    // The HTTP client sends the current span on as traceparent.
                    var previous = System.Diagnostics.Activity.Current;
                    System.Diagnostics.Activity.Current = spans?[0] ?? previous;
                    try
                    {
                        results[0] = (await SendWithHttpClientAsync(jobs[0], cancellationToken).ConfigureAwait(false), null);
                    }
                    finally
                    {
                        System.Diagnostics.Activity.Current = previous;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Recorded on the subscription below; the sender loop carries on.
                    results[0] = (0, ex);
                }
            }
        }
        finally
        {
            _inFlight.Release();
            for (var i = 0; spans is not null && i < spans.Count; i++)
            {
                spans[i]?.SetTag("http.response.status_code", results[i].Status);
                spans[i]?.Dispose();
            }
        }

        var now = Dates.Now();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var (status, error) = results[i];
            if (error is null)
            {
                job.Subscription.RecordSuccess(now, status);
                Interlocked.Increment(ref _sent);
                _sentCounter.Add(1);
                continue;
            }

            if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw error;
            }

            var reason = error switch
            {
                OperationCanceledException => "Timeout was reached",
                SocketException => "Could not connect to server",
                HttpRequestException { InnerException: SocketException } => "Could not connect to server",
                _ => error.Message,
            };
            LogFailed(job.Subscription.Id, job.Url, reason);
            if (job.Subscription.RecordFailure(now, reason))
            {
                Disabled(job.Subscription);
            }

            Interlocked.Increment(ref _failed);
            _failedCounter.Add(1);
        }
    }

    private async Task SendMqttAsync(NotificationJob job, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        Exception? error = null;
        try
        {
            await _mqtt.PublishAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = ex;
        }
        finally
        {
            _inFlight.Release();
        }

        var now = Dates.Now();
        if (error is null)
        {
            // MQTT has no status code and Orion detects no failure reason beyond "could not publish": neither is recorded.
            job.Subscription.RecordSuccess(now, null);
            Interlocked.Increment(ref _sent);
            _sentCounter.Add(1);
            return;
        }

        LogFailed(job.Subscription.Id, job.Url + " topic " + job.Topic, error is OperationCanceledException ? "Timeout was reached" : error.Message);
        if (job.Subscription.RecordFailure(now, null))
        {
            Disabled(job.Subscription);
        }

        Interlocked.Increment(ref _failed);
        _failedCounter.Add(1);
    }

    /// <summary>Whether a notification goes over the pipelined raw sender: plain HTTP, and no timeout of its own.</summary>
    private static bool Pipelined(NotificationJob job, Uri uri) => job.Subscription.TimeoutMilliseconds == 0 && RawHttpSender.CanSend(uri);

    private async Task<int> SendWithHttpClientAsync(NotificationJob job, CancellationToken cancellationToken)
    {
        {
            using var request = new HttpRequestMessage(job.Method, job.Url);
            if (job.Body is not null)
            {
                var content = new ByteArrayContent(job.Body);
                content.Headers.ContentType = job.ContentType == "application/json" ? JsonContentType : MediaTypeHeaderValue.Parse(job.ContentType);
                request.Content = content;
            }

            if (job.Tenant.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Fiware-Service", job.Tenant);
            }

            request.Headers.TryAddWithoutValidation("Fiware-ServicePath", job.ServicePath);
            request.Headers.TryAddWithoutValidation("Fiware-Correlator", job.Correlator);
            request.Headers.TryAddWithoutValidation("Ngsiv2-AttrsFormat", job.Format);
            if (job.Headers is not null)
            {
                foreach (var (name, value) in job.Headers)
                {
                    if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    request.Headers.Remove(name);
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(job.Subscription.TimeoutMilliseconds > 0 ? TimeSpan.FromMilliseconds(job.Subscription.TimeoutMilliseconds) : _timeout);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification queue of subscription {SubscriptionId} is full ({Capacity}); notification dropped")]
    private partial void LogDropped(string subscriptionId, int capacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification of subscription {SubscriptionId} to {Url} failed: {Reason}")]
    private partial void LogFailed(string subscriptionId, string url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} automatically disabled: failsCounter {FailsCounter} is greater than maxFailsLimit {MaxFailsLimit}")]
    private partial void LogDisabled(string subscriptionId, long failsCounter, int maxFailsLimit);

    [LoggerMessage(Level = LogLevel.Error, Message = "The state of subscription {SubscriptionId} could not be stored: {Reason}")]
    private partial void LogStateNotSaved(string subscriptionId, string reason);

    private sealed class SubscriptionQueue
    {
        public long PendingCount;
        private readonly Channel<NotificationJob>[] _lanes;

        public SubscriptionQueue(NotificationDispatcher owner)
        {
            // The subscription-wide bound is PendingCount against the capacity; the lanes themselves need none.
            _lanes = new Channel<NotificationJob>[owner._sendersPerSubscription];
            Senders = new Task[_lanes.Length];
            for (var i = 0; i < _lanes.Length; i++)
            {
                var lane = System.Threading.Channels.Channel.CreateUnbounded<NotificationJob>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
                _lanes[i] = lane;
                Senders[i] = Task.Run(() => owner.SendLoopAsync(this, lane.Reader));
            }
        }

        public Task[] Senders { get; }

        public long Pending => Interlocked.Read(ref PendingCount);

        /// <summary>The lane of the job's entity: the same for every notification about it.</summary>
        public Channel<NotificationJob> LaneOf(NotificationJob job) => _lanes[(int)((uint)job.EntityHash % (uint)_lanes.Length)];

        public void Complete()
        {
            foreach (var lane in _lanes)
            {
                lane.Writer.TryComplete();
            }
        }
    }
}
