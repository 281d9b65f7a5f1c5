using System.Collections.Concurrent;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// A job's place on an <see cref="NgsiMqttReceiver"/>: notifications published on <see cref="Topic"/>, or on a
/// subscription topic from <see cref="AddSubscription"/>, reach <see cref="Target"/>.
/// </summary>
public sealed class MqttRoute
{
    private readonly NgsiMqttReceiver _receiver;
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);

    internal MqttRoute(NgsiMqttReceiver receiver, string job, INotificationTarget target, string topic)
    {
        _receiver = receiver;
        Job = job;
        Target = target;
        Topic = topic;
    }

    /// <summary>The job's name.</summary>
    public string Job { get; }

    /// <summary>Where accepted events go.</summary>
    public INotificationTarget Target { get; }

    /// <summary>The job's topic, <c>{TopicPrefix}/{job}</c>: point an Orion subscription's <c>notification.mqtt.topic</c> here.</summary>
    public string Topic { get; }

    internal RouteCounters Counters { get; } = new();

    /// <summary>Adds a per-subscription topic <c>{Topic}/{key}</c> whose notifications are parsed with <paramref name="parseOptions"/>.</summary>
    /// <param name="key">A local name (letters, digits, '.', '_', '-').</param>
    /// <param name="parseOptions">How to parse (for example the attribute names of the values format); default when null.</param>
    /// <param name="fiware">The subscription's tenant and service path, given to its events: MQTT notifications carry no
    /// <c>Fiware-Service</c>/<c>Fiware-ServicePath</c> headers. The default tenant and <c>/</c> when null.</param>
    /// <returns>The topic to put into the subscription.</returns>
    /// <exception cref="ArgumentException">The key is not a plain name.</exception>
    public string AddSubscription(string key, NotificationParseOptions? parseOptions = null, FiwareContext? fiware = null)
    {
        NgsiReceiver.CheckName(key, nameof(key));
        var topic = Topic + "/" + key;
        _receiver.MapTopic(topic, this, parseOptions ?? NotificationParseOptions.Default, fiware);
        _keys[key] = 0;
        return topic;
    }

    /// <summary>Removes a per-subscription topic; later messages on it are dropped as unroutable.</summary>
    /// <param name="key">The local name given to <see cref="AddSubscription"/>.</param>
    /// <returns>True when it existed.</returns>
    public bool RemoveSubscription(string key) => _keys.TryRemove(key, out _) && _receiver.UnmapTopic(Topic + "/" + key);

    /// <summary>The route's counters since it was added.</summary>
    /// <returns>A snapshot.</returns>
    public ReceiverStatistics GetStatistics() => Counters.Snapshot();

    internal void UnmapAll()
    {
        foreach (var key in _keys.Keys)
        {
            _receiver.UnmapTopic(Topic + "/" + key);
        }

        _keys.Clear();
        _receiver.UnmapTopic(Topic);
    }
}
