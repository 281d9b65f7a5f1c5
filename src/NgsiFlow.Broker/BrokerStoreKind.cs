namespace NgsiFlow.Broker;

/// <summary>Where the embedded broker keeps entities and subscriptions.</summary>
public enum BrokerStoreKind
{
    /// <summary>In memory only (the default): fast, gone when the broker stops.</summary>
    Memory,

    /// <summary>PostgreSQL through Npgsql: every change is committed before it is answered, and survives restarts.</summary>
    Postgres,
}
