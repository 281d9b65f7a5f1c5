namespace NgsiFlow.Connector;

/// <summary>A subscription NgsiFlow manages on a broker for a job.</summary>
public sealed class ManagedSubscription
{
    internal ManagedSubscription(string job, BrokerConnection broker, SubscriptionRequest request, string description)
    {
        Job = job;
        Broker = broker;
        Request = request;
        Description = description;
    }

    /// <summary>The job the notifications go to.</summary>
    public string Job { get; }

    /// <summary>The broker holding the subscription.</summary>
    public BrokerConnection Broker { get; }

    /// <summary>What the job asked for.</summary>
    public SubscriptionRequest Request { get; }

    /// <summary>The description that identifies it on the broker: <c>NgsiFlow {job}/{name} [{fingerprint}]</c>.
    /// An existing subscription with the same description is identical and is reused.</summary>
    public string Description { get; }

    /// <summary>The broker's subscription id, once created or found.</summary>
    public string? Id { get; internal set; }

    /// <summary>The notification URL given to the broker.</summary>
    public Uri? NotificationUrl { get; internal set; }

    /// <summary>True when an identical subscription already existed and was reused.</summary>
    public bool Reused { get; internal set; }

    /// <summary>When the subscription expires on the broker (null: never).</summary>
    public DateTimeOffset? ExpiresAt { get; internal set; }

    /// <summary>How many times NgsiFlow renewed it.</summary>
    public int Renewals { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Description} -> {Id ?? "(not created)"}";
}
