using System.Collections.Concurrent;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// A job's place on an <see cref="NgsiReceiver"/>: notifications posted to <see cref="NotifyUrl"/>, to a subscription
/// URL from <see cref="AddSubscription"/>, or to the receiver's bare notify path with a subscription id mapped by
/// <see cref="MapSubscriptionId"/> reach <see cref="Target"/>.
/// </summary>
public sealed class ReceiverRoute
{
    private readonly NgsiReceiver _receiver;
    private readonly ConcurrentDictionary<string, NotificationParseOptions> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    internal ReceiverRoute(NgsiReceiver receiver, string job, INotificationTarget target)
    {
        _receiver = receiver;
        Job = job;
        Target = target;
        SubscriptionLookup = _subscriptions.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The job's name (the path segment after the notify path).</summary>
    public string Job { get; }

    /// <summary>Where accepted events go.</summary>
    public INotificationTarget Target { get; }

    /// <summary>The public URL of the job's endpoint: <c>{PublicBaseUrl}{NotifyPath}/{job}</c>.</summary>
    public Uri NotifyUrl => _receiver.PublicUrl(Job, null);

    internal RouteCounters Counters { get; } = new();

    internal ConcurrentDictionary<string, NotificationParseOptions>.AlternateLookup<ReadOnlySpan<char>> SubscriptionLookup { get; }

    /// <summary>
    /// Adds a per-subscription endpoint <c>{NotifyUrl}/{key}</c> whose notifications are parsed with
    /// <paramref name="parseOptions"/> (for example the attribute names of the NGSI-v2 <c>values</c> format).
    /// </summary>
    /// <param name="key">A URL-safe local name (letters, digits, '.', '_', '-').</param>
    /// <param name="parseOptions">How to parse; default options when null.</param>
    /// <returns>The public URL to put into the subscription.</returns>
    /// <exception cref="ArgumentException">The key is not URL-safe.</exception>
    public Uri AddSubscription(string key, NotificationParseOptions? parseOptions = null)
    {
        NgsiReceiver.CheckName(key, nameof(key));
        _subscriptions[key] = parseOptions ?? NotificationParseOptions.Default;
        return _receiver.PublicUrl(Job, key);
    }

    /// <summary>Removes a per-subscription endpoint; later notifications to it get 404.</summary>
    /// <param name="key">The local name given to <see cref="AddSubscription"/>.</param>
    /// <returns>True when it existed.</returns>
    public bool RemoveSubscription(string key) => _subscriptions.TryRemove(key, out _);

    /// <summary>Routes notifications posted to the bare notify path whose body names <paramref name="subscriptionId"/> to this job.</summary>
    /// <param name="subscriptionId">The broker's subscription id.</param>
    /// <exception cref="InvalidOperationException">Another job already has that id.</exception>
    public void MapSubscriptionId(string subscriptionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriptionId);
        _receiver.MapId(subscriptionId, this);
        _ids[subscriptionId] = 0;
    }

    /// <summary>Stops routing <paramref name="subscriptionId"/> to this job.</summary>
    /// <param name="subscriptionId">The broker's subscription id.</param>
    /// <returns>True when it was mapped to this job.</returns>
    public bool UnmapSubscriptionId(string subscriptionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriptionId);
        _ids.TryRemove(subscriptionId, out _);
        return _receiver.UnmapId(subscriptionId, this);
    }

    /// <summary>The route's counters since it was added.</summary>
    /// <returns>A snapshot.</returns>
    public ReceiverStatistics GetStatistics() => Counters.Snapshot();

    internal void UnmapAll()
    {
        foreach (var id in _ids.Keys)
        {
            _receiver.UnmapId(id, this);
        }

        _ids.Clear();
    }
}
