namespace NgsiFlow.Cluster.Internal;

/// <summary>What a key's grain stores, in one write, before the receiver answers 2xx for an event.</summary>
[GenerateSerializer, Alias("ngsiflow.key-state")]
internal sealed class KeyGrainState
{
    /// <summary>The job's state of the key, as JSON; null before the first event.</summary>
    [Id(0)] public string? State { get; set; }

    /// <summary>The most recent idempotency keys applied, oldest first.</summary>
    [Id(1)] public List<string> RecentKeys { get; set; } = [];

    /// <summary>Write-backs not yet known to be sent, in order.</summary>
    [Id(2)] public List<OutboxEntry> Outbox { get; set; } = [];

    /// <summary>The sequence number of the last outbox entry created.</summary>
    [Id(3)] public long LastOutboxSeq { get; set; }

    /// <summary>Events applied to the key so far.</summary>
    [Id(4)] public long Applied { get; set; }
}

/// <summary>One write-back in a grain's outbox: the attributes as an NGSI-v2 entity body.</summary>
[GenerateSerializer, Immutable, Alias("ngsiflow.outbox-entry")]
internal sealed class OutboxEntry
{
    [Id(0)] public required long Seq { get; init; }

    [Id(1)] public required byte[] Entity { get; init; }

    [Id(2)] public string? Tenant { get; init; }

    [Id(3)] public string? ServicePath { get; init; }

    [Id(4)] public WriteBackMode Mode { get; init; }
}
