namespace NgsiFlow.Client;

/// <summary>The <c>status</c> of an NGSI-v2 subscription.</summary>
public enum NgsiV2SubscriptionStatus
{
    /// <summary><c>active</c>: notifications are sent.</summary>
    Active = 0,

    /// <summary><c>inactive</c>: no notifications.</summary>
    Inactive,

    /// <summary><c>oneshot</c>: one notification, then <c>inactive</c>.</summary>
    Oneshot,

    /// <summary><c>expired</c> (read-only): <c>expires</c> has passed.</summary>
    Expired,

    /// <summary><c>failed</c> (read-only): the last notification failed.</summary>
    Failed,
}
