namespace NgsiFlow.Broker.Internal.Model;

/// <summary>What a triggering request did to an entity, for the previousValue and actionType metadata.</summary>
internal sealed class NotificationContext
{
    /// <summary>"update", "append" or "delete".</summary>
    public required string ActionType { get; init; }

    /// <summary>Attributes the request touched.</summary>
    public required HashSet<string> TouchedAttributes { get; init; }

    /// <summary>Attributes whose value, type or metadata actually changed (or that are new).</summary>
    public required HashSet<string> ChangedAttributes { get; init; }

    /// <summary>
    /// The changed attributes of which only metadata changed (value and type as before): they do not trigger a
    /// subscription with <c>notifyOnMetadataChange: false</c>. Null when there are none.
    /// </summary>
    public HashSet<string>? MetadataOnly { get; set; }

    /// <summary>Attribute type and value before the request, for the touched attributes that existed.</summary>
    public required Dictionary<string, (string Type, object? Value)> Previous { get; init; }
}
