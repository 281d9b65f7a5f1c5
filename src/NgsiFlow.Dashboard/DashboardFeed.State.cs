using System.Text.Json;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard;

/// <content>The latest-value parts of the feed: job state, named values, subscriptions and entities.</content>
public sealed partial class DashboardFeed
{
    private readonly Lock _stateGate = new();
    private readonly EntityStore _entities;
    private readonly List<string> _valueOrder = [];
    private readonly Dictionary<string, NamedValue> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changedValues = new(StringComparer.Ordinal);
    private readonly List<DashboardSubscription> _subscriptions = [];
    private bool _subscriptionsChanged;
    private string _jobName;
    private DashboardJobState _jobState = DashboardJobState.Starting;
    private string? _jobDetail;
    private bool _jobChanged = true;

    /// <summary>The job's state, shown in the page header.</summary>
    public DashboardJobState JobState
    {
        get
        {
            lock (_stateGate)
            {
                return _jobState;
            }
        }
    }

    /// <summary>How many entities the entities table holds now.</summary>
    public int EntityCount => _entities.Count;

    /// <summary>Sets the job's state and an optional one-line detail (for example the error of a failed job).</summary>
    /// <param name="state">The state.</param>
    /// <param name="detail">A short explanation, or null.</param>
    public void SetJobState(DashboardJobState state, string? detail = null)
    {
        lock (_stateGate)
        {
            _jobState = state;
            _jobDetail = detail;
            _jobChanged = true;
        }
    }

    /// <summary>Renames the job shown in the header.</summary>
    /// <param name="name">The job's name.</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public void SetJobName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("The job name must not be empty.", nameof(name));
        }

        lock (_stateGate)
        {
            _jobName = name;
            _jobChanged = true;
        }
    }

    /// <summary>Sets a named value shown as a big counter at the top of the page (for example a running MAE).</summary>
    /// <param name="name">The value's name, also its label; values appear in the order they were first set.</param>
    /// <param name="value">The value.</param>
    /// <param name="unit">A unit shown after the value, or null.</param>
    /// <param name="decimals">How many decimals to show; null shows integers as such and other numbers with three significant decimals.</param>
    /// <exception cref="ArgumentException">The name is empty or <paramref name="decimals"/> is outside 0..10.</exception>
    public void SetValue(string name, double value, string? unit = null, int? decimals = null)
    {
        ValidateValueName(name);
        if (decimals is < 0 or > 10)
        {
            throw new ArgumentException($"Value '{name}': decimals must be between 0 and 10 (was {decimals}).", nameof(decimals));
        }

        lock (_stateGate)
        {
            var entry = Entry(name);
            entry.Value = value;
            entry.Unit = unit ?? entry.Unit;
            entry.Decimals = decimals ?? entry.Decimals;
            _changedValues.Add(name);
        }
    }

    /// <summary>Adds to a named value (starting from 0), for counters the job keeps itself.</summary>
    /// <param name="name">The value's name.</param>
    /// <param name="by">How much to add; default 1.</param>
    /// <returns>The new value.</returns>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public double IncrementValue(string name, double by = 1)
    {
        ValidateValueName(name);
        lock (_stateGate)
        {
            var entry = Entry(name);
            entry.Value += by;
            _changedValues.Add(name);
            return entry.Value;
        }
    }

    /// <summary>The current value of a named value, or null if it was never set.</summary>
    /// <param name="name">The value's name.</param>
    /// <returns>The value, or null.</returns>
    public double? GetValue(string name)
    {
        lock (_stateGate)
        {
            return _values.TryGetValue(name, out var entry) ? entry.Value : null;
        }
    }

    /// <summary>Adds or updates a subscription in the subscriptions panel, by its id.</summary>
    /// <param name="subscription">The subscription's status.</param>
    /// <exception cref="ArgumentException">The subscription has no id.</exception>
    public void SetSubscriptionStatus(DashboardSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (string.IsNullOrWhiteSpace(subscription.Id))
        {
            throw new ArgumentException("DashboardSubscription.Id must not be empty.", nameof(subscription));
        }

        lock (_stateGate)
        {
            var index = _subscriptions.FindIndex(s => s.Id == subscription.Id);
            if (index >= 0)
            {
                _subscriptions[index] = subscription;
            }
            else if (_subscriptions.Count < 100)
            {
                _subscriptions.Add(subscription);
            }

            _subscriptionsChanged = true;
        }
    }

    /// <summary>Removes a subscription from the subscriptions panel.</summary>
    /// <param name="id">The subscription id.</param>
    /// <returns>Whether it was there.</returns>
    public bool RemoveSubscription(string id)
    {
        lock (_stateGate)
        {
            var removed = _subscriptions.RemoveAll(s => s.Id == id) > 0;
            _subscriptionsChanged |= removed;
            return removed;
        }
    }

    /// <summary>
    /// Adds an entity to the entities table or merges new attribute values into it. The table keeps the
    /// <see cref="DashboardFeedOptions.MaxEntities"/> most recently updated entities.
    /// </summary>
    /// <param name="id">The entity id.</param>
    /// <param name="type">The entity type.</param>
    /// <param name="attributes">Attribute names and values: numbers, strings, booleans, times, <see cref="JsonElement"/> for structured values.</param>
    /// <exception cref="ArgumentException">The id is empty.</exception>
    public void UpsertEntity(string id, string type, IEnumerable<KeyValuePair<string, object?>> attributes)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("An entity id must not be empty.", nameof(id));
        }

        ArgumentNullException.ThrowIfNull(attributes);
        _entities.Upsert(id, type ?? "", attributes, DateTimeOffset.UtcNow);
    }

    /// <summary>Removes an entity from the entities table.</summary>
    /// <param name="id">The entity id.</param>
    /// <returns>Whether it was there.</returns>
    public bool RemoveEntity(string id) => _entities.Remove(id);

    private static void ValidateValueName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A value name must not be empty.", nameof(name));
        }
    }

    private NamedValue Entry(string name)
    {
        if (!_values.TryGetValue(name, out var entry))
        {
            entry = new NamedValue();
            _values[name] = entry;
            _valueOrder.Add(name);
        }

        return entry;
    }

    /// <summary>Writes the job, values and subscriptions: all of them, or only what changed since the last commit.</summary>
    private void WriteState(Utf8JsonWriter writer, bool all)
    {
        lock (_stateGate)
        {
            if (all || _jobChanged)
            {
                writer.WriteStartObject("job");
                writer.WriteString("name", _jobName);
                writer.WriteString("state", _jobState.ToString().ToLowerInvariant());
                if (_jobDetail is not null)
                {
                    writer.WriteString("detail", _jobDetail);
                }

                writer.WriteNumber("startedAt", StartedAt.ToUnixTimeMilliseconds());
                writer.WriteEndObject();
                if (!all)
                {
                    _jobChanged = false;
                }
            }

            if (all || _changedValues.Count > 0)
            {
                writer.WriteStartArray("values");
                foreach (var name in all ? _valueOrder : _valueOrder.Where(_changedValues.Contains))
                {
                    var entry = _values[name];
                    writer.WriteStartObject();
                    writer.WriteString("name", name);
                    JsonValues.WriteNumber(writer, "value", entry.Value);
                    if (entry.Unit is not null)
                    {
                        writer.WriteString("unit", entry.Unit);
                    }

                    if (entry.Decimals is { } d)
                    {
                        writer.WriteNumber("decimals", d);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                if (!all)
                {
                    _changedValues.Clear();
                }
            }

            if (all || _subscriptionsChanged)
            {
                writer.WriteStartArray("subscriptions");
                foreach (var s in _subscriptions)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", s.Id);
                    writer.WriteString("status", s.Status);
                    if (s.Description is not null)
                    {
                        writer.WriteString("description", s.Description);
                    }

                    if (s.TimesSent is { } sent)
                    {
                        writer.WriteNumber("timesSent", sent);
                    }

                    JsonValues.WriteTime(writer, "lastNotification", s.LastNotification);
                    JsonValues.WriteTime(writer, "lastSuccess", s.LastSuccess);
                    JsonValues.WriteTime(writer, "lastFailure", s.LastFailure);
                    if (s.LastFailureReason is not null)
                    {
                        writer.WriteString("lastFailureReason", s.LastFailureReason);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                if (!all)
                {
                    _subscriptionsChanged = false;
                }
            }
        }
    }

    private sealed class NamedValue
    {
        public double Value { get; set; }

        public string? Unit { get; set; }

        public int? Decimals { get; set; }
    }
}
