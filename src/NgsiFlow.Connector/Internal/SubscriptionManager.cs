using Microsoft.Extensions.Logging;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Internal;

/// <summary>Creates or reuses managed subscriptions, renews them before they expire, deletes them at stop.</summary>
internal sealed class SubscriptionManager(ConnectorOptions options, ILogger logger) : IAsyncDisposable
{
    private readonly List<Entry> _entries = [];
    private readonly TimeProvider _time = options.TimeProvider;

    public IReadOnlyList<ManagedSubscription> Subscriptions
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Select(e => e.Subscription)];
            }
        }
    }

    public async Task<ManagedSubscription> EnsureAsync(ReceiverRoute route, BrokerConnection broker, SubscriptionRequest request, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var url = route.AddSubscription(request.Name, SubscriptionBuilder.ParseOptions(request, broker.Api));
        return await EnsureCoreAsync(route, route.Job, broker, request, url, headers, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A subscription notified over MQTT: on the job's subscription topic, QoS 1.</summary>
    public async Task<ManagedSubscription> EnsureMqttAsync(MqttRoute route, MqttReceiverOptions mqttOptions, BrokerConnection broker, SubscriptionRequest request, CancellationToken cancellationToken)
    {
        var topic = route.AddSubscription(request.Name, SubscriptionBuilder.ParseOptions(request, broker.Api), request.Fiware ?? broker.DefaultFiware);
        var mqtt = SubscriptionBuilder.Mqtt(mqttOptions, topic);
        var empty = new Dictionary<string, string>(StringComparer.Ordinal);
        return await EnsureCoreAsync(null, route.Job, broker, request, SubscriptionBuilder.MqttUrl(mqtt), empty, mqtt, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ManagedSubscription> EnsureCoreAsync(ReceiverRoute? route, string job, BrokerConnection broker, SubscriptionRequest request, Uri url, IReadOnlyDictionary<string, string> headers, NgsiV2MqttNotification? mqtt, CancellationToken cancellationToken)
    {
        var description = SubscriptionBuilder.Describe(job, request, broker.Api, url, headers);
        var managed = new ManagedSubscription(job, broker, request, description) { NotificationUrl = url };
        var fiware = request.Fiware ?? broker.DefaultFiware;
        var expires = request.Lifetime is { } life ? _time.GetUtcNow() + life : (DateTimeOffset?)null;
        var (id, reused) = await SubscriptionEnsurer.EnsureAsync(broker, request, description, url, headers, expires, fiware, cancellationToken, mqtt).ConfigureAwait(false);
        managed.Reused = reused;
        managed.Id = id;
        managed.ExpiresAt = expires;
        route?.MapSubscriptionId(id);
        var entry = new Entry(managed, route, fiware);
        lock (_entries)
        {
            _entries.Add(entry);
        }

        ConnectorInstruments.Subscriptions.Add(1, new KeyValuePair<string, object?>("action", "ensured"), new KeyValuePair<string, object?>("job", job));
        ConnectorLog.SubscriptionReady(logger, job, broker.Name, id, url);
        Schedule(entry, null);
        return managed;
    }

    public async Task DeleteAllAsync(CancellationToken cancellationToken)
    {
        Entry[] entries;
        lock (_entries)
        {
            entries = [.. _entries];
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            entry.Timer?.Dispose();
            var s = entry.Subscription;
            try
            {
                if (s.Broker.V2Client is { } v2)
                {
                    await v2.DeleteSubscriptionAsync(s.Id!, entry.Fiware, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await s.Broker.LdClient!.DeleteSubscriptionAsync(s.Id!, entry.Fiware, cancellationToken).ConfigureAwait(false);
                }

                ConnectorInstruments.Subscriptions.Add(1, new KeyValuePair<string, object?>("action", "deleted"), new KeyValuePair<string, object?>("job", s.Job));
                ConnectorLog.SubscriptionDeleted(logger, s.Job, s.Broker.Name, s.Id!);
            }
            catch (NgsiClientException e) when (e.IsNotFound)
            {
                // Already gone (expired or removed by hand): nothing left to clean.
            }
            catch (NgsiClientException e)
            {
                ConnectorLog.SubscriptionDeleteFailed(logger, e, s.Job, s.Broker.Name, s.Id!);
            }
            finally
            {
                entry.Route?.UnmapSubscriptionId(s.Id!);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_entries)
        {
            foreach (var entry in _entries)
            {
                entry.Timer?.Dispose();
            }
        }

        return default;
    }

    private void Schedule(Entry entry, TimeSpan? retryIn)
    {
        if (entry.Subscription.Request.Lifetime is not { } lifetime)
        {
            return;
        }

        // Renew when a quarter of the lifetime is left (at most ConnectorOptions.RenewBefore ahead), so a renewal that
        // fails has time to be retried before the broker drops the subscription.
        var before = TimeSpan.FromTicks(Math.Min(lifetime.Ticks / 4, options.RenewBefore.Ticks));
        var due = retryIn ?? entry.Subscription.ExpiresAt!.Value - before - _time.GetUtcNow();
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        entry.Timer?.Dispose();
        entry.Timer = _time.CreateTimer(static state => _ = ((Tuple<SubscriptionManager, Entry>)state!).Item1.RenewAsync(((Tuple<SubscriptionManager, Entry>)state).Item2), Tuple.Create(this, entry), due, Timeout.InfiniteTimeSpan);
    }

    private async Task RenewAsync(Entry entry)
    {
        var s = entry.Subscription;
        var expires = _time.GetUtcNow() + s.Request.Lifetime!.Value;
        TimeSpan? retryIn = null;
        try
        {
            if (s.Broker.V2Client is { } v2)
            {
                await v2.UpdateSubscriptionAsync(s.Id!, new NgsiV2Subscription { Expires = expires }, entry.Fiware, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await s.Broker.LdClient!.UpdateSubscriptionAsync(s.Id!, new NgsiLdSubscription { ExpiresAt = expires }, entry.Fiware, CancellationToken.None).ConfigureAwait(false);
            }

            s.ExpiresAt = expires;
            s.Renewals++;
            ConnectorInstruments.Subscriptions.Add(1, new KeyValuePair<string, object?>("action", "renewed"), new KeyValuePair<string, object?>("job", s.Job));
            ConnectorLog.SubscriptionRenewed(logger, s.Job, s.Broker.Name, s.Id!, expires);
        }
        catch (NgsiClientException e)
        {
            ConnectorLog.SubscriptionRenewFailed(logger, e, s.Job, s.Broker.Name, s.Id!);

            // Try again soon, well before expiry, without spinning.
            retryIn = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, s.Request.Lifetime.Value.Ticks / 20));
        }

        lock (_entries)
        {
            if (_entries.Contains(entry))
            {
                Schedule(entry, retryIn);
            }
        }
    }

    private sealed class Entry(ManagedSubscription subscription, ReceiverRoute? route, FiwareContext fiware)
    {
        public ManagedSubscription Subscription { get; } = subscription;

        /// <summary>The HTTP route; null for a subscription notified over MQTT (routed by topic).</summary>
        public ReceiverRoute? Route { get; } = route;

        public FiwareContext Fiware { get; } = fiware;

        public ITimer? Timer { get; set; }
    }
}
