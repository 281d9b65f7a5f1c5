using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;

namespace NgsiFlow.Broker.Internal.Subscriptions;

/// <summary>
/// A subscription: its definition (as the client gave it, so that PATCH merges top-level fields) parsed into the
/// parts the trigger path needs, plus the delivery counters Orion reports.
/// </summary>
internal sealed class Subscription
{
    private readonly object _gate = new();

    public required string Id { get; init; }

    public required string Tenant { get; init; }

    /// <summary>The Fiware-ServicePath the subscription was created with (may be recursive).</summary>
    public required string ServicePath { get; init; }

    public required ServicePathScope Scope { get; init; }

    public required JsonMap Definition { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<JsonMap> SubjectEntities { get; init; }

    public required IReadOnlyList<EntityMatcher> Matchers { get; init; }

    public IReadOnlyList<string> ConditionAttrs { get; init; } = [];

    public JsonMap? Expression { get; init; }

    public SimpleQuery? Q { get; init; }

    public SimpleQuery? Mq { get; init; }

    /// <summary>The expression's geo-query (georel, geometry, coords): the entity's location must match it.</summary>
    public Geo.GeoFilter? Geo { get; init; }

    public IReadOnlyList<string>? AlterationTypes { get; init; }

    public bool NotifyOnMetadataChange { get; init; } = true;

    public IReadOnlyList<string>? Attrs { get; init; }

    public IReadOnlyList<string>? ExceptAttrs { get; init; }

    public IReadOnlyList<string>? Metadata { get; init; }

    public required string AttrsFormat { get; init; }

    public bool OnlyChangedAttrs { get; init; }

    public bool Covered { get; init; }

    /// <summary>The http.url, httpCustom.url, or the mqtt broker's url.</summary>
    public required string Url { get; init; }

    public HttpCustom? Custom { get; init; }

    /// <summary>notification.mqtt or mqttCustom; null for HTTP subscriptions.</summary>
    public MqttEndpoint? Mqtt { get; init; }

    /// <summary>The parsed url when it has no template.</summary>
    public Uri? ParsedUrl { get; init; }

    public DateTime? Expires { get; init; }

    /// <summary>"active" or "inactive" as the client set it; "expired" and "failed" are derived when rendering.</summary>
    public required string Status { get; init; }

    public double Throttling { get; init; }

    public int MaxFailsLimit { get; init; }

    /// <summary>The notification request's timeout in milliseconds (<c>http.timeout</c>, <c>httpCustom.timeout</c>); 0 for the broker's.</summary>
    public int TimeoutMilliseconds { get; init; }

    /// <summary>Set when a <c>oneshot</c> subscription sent its one notification: it shows as inactive until set to oneshot again.</summary>
    public volatile bool OneshotFired;

    public DateTime Created { get; init; }

    /// <summary>
    /// Counts the PATCHes that built this subscription; a stored document is never overwritten by an older revision,
    /// so a state change saved late cannot undo a PATCH.
    /// </summary>
    public long Revision { get; set; }

    /// <summary>The entity representation for notifications.</summary>
    public required RenderSpec Render { get; init; }

    public long TimesSent;

    public DateTime? LastNotification;

    public DateTime? LastSuccess;

    public int? LastSuccessCode;

    public DateTime? LastFailure;

    public string? LastFailureReason;

    public long FailsCounter;

    /// <summary>Notifications dropped because the subscription's queue was full (NgsiFlow's own counter; Orion has none).</summary>
    public long Dropped;

    /// <summary>Set once the subscription is deleted or replaced, so that queued notifications stop counting.</summary>
    public volatile bool Retired;

    /// <summary>Set when failsCounter passed maxFailsLimit: the subscription shows, and is stored, as inactive.</summary>
    public volatile bool DisabledByFailures;

    private DateTime _lastTriggered = DateTime.MinValue;

    public object Gate => _gate;

    public bool IsActiveAt(DateTime now) =>
        (Status == "active" || (Status == "oneshot" && !OneshotFired)) && !DisabledByFailures && !Retired && (Expires is null || Expires > now);

    /// <summary>For a oneshot subscription, claims its one notification (false when it was taken); true for others.</summary>
    public bool TryClaimOneshot()
    {
        if (Status != "oneshot")
        {
            return true;
        }

        lock (_gate)
        {
            if (OneshotFired)
            {
                return false;
            }

            OneshotFired = true;
            return true;
        }
    }

    /// <summary>Throttling: whether a notification may go now, claiming the slot if so.</summary>
    public bool TryClaimThrottle(DateTime now)
    {
        if (Throttling <= 0)
        {
            return true;
        }

        lock (_gate)
        {
            if ((now - _lastTriggered).TotalSeconds < Throttling)
            {
                return false;
            }

            _lastTriggered = now;
            return true;
        }
    }

    /// <summary>A delivered notification; MQTT ones have no status code (Orion shows no lastSuccessCode for them).</summary>
    public void RecordSuccess(DateTime at, int? statusCode)
    {
        lock (_gate)
        {
            TimesSent++;
            LastNotification = at;
            LastSuccess = at;
            if (statusCode is { } code)
            {
                LastSuccessCode = code;
            }

            FailsCounter = 0;
        }
    }

    /// <summary>
    /// A notification that failed; MQTT ones have no reason (Orion shows no lastFailureReason for them). True when this
    /// failure disabled the subscription: as in Orion, once failsCounter is greater than maxFailsLimit.
    /// </summary>
    public bool RecordFailure(DateTime at, string? reason)
    {
        lock (_gate)
        {
            TimesSent++;
            LastNotification = at;
            LastFailure = at;
            if (reason is not null)
            {
                LastFailureReason = reason;
            }

            FailsCounter++;
            if (MaxFailsLimit > 0 && FailsCounter > MaxFailsLimit && !DisabledByFailures)
            {
                DisabledByFailures = true;
                return true;
            }

            return false;
        }
    }

    /// <summary>A notification that never left: the queue was full. Counted as a failure too, as Orion counts a send it could not make.</summary>
    public bool RecordDrop(DateTime at, string? reason)
    {
        lock (_gate)
        {
            Dropped++;
        }

        return RecordFailure(at, reason);
    }

    /// <summary>Carries the delivery counters over to a replacement built by PATCH or loaded from storage.</summary>
    public void CopyCountersFrom(Subscription other)
    {
        lock (other._gate)
        {
            TimesSent = other.TimesSent;
            LastNotification = other.LastNotification;
            LastSuccess = other.LastSuccess;
            LastSuccessCode = other.LastSuccessCode;
            LastFailure = other.LastFailure;
            LastFailureReason = other.LastFailureReason;
            FailsCounter = other.FailsCounter;
            Dropped = other.Dropped;
            _lastTriggered = other._lastTriggered;
        }
    }
}

/// <summary>httpCustom: templated url, headers, query string, method and payload (mqttCustom uses the payload fields only).</summary>
internal sealed class HttpCustom
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Qs { get; init; } = [];

    public string Method { get; init; } = "POST";

    /// <summary>A text payload template; null means the default NGSI payload.</summary>
    public string? Payload { get; init; }

    /// <summary>Whether the payload was explicitly set to null (Orion then sends an empty body).</summary>
    public bool PayloadNull { get; init; }

    /// <summary>A JSON payload template (<c>json</c> field): strings inside are templated.</summary>
    public object? Json { get; init; }

    public bool HasJson { get; init; }

    /// <summary>The <c>ngsi</c> field: an entity fragment laid over the notified entity.</summary>
    public NgsiTemplate? Ngsi { get; init; }
}
