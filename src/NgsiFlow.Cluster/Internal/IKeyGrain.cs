namespace NgsiFlow.Cluster.Internal;

/// <summary>One key of one job (grain key <c>{job}/{key}</c>): applies that key's events to its state, one at a time.</summary>
[Alias("ngsiflow.key")]
internal interface IKeyGrain : IGrainWithStringKey
{
    /// <summary>Applies an event and stores the key's new state, its idempotency key and its write-backs in one write;
    /// completes once the write is durable. Throws when the store refused or could not be reached (nothing applied).</summary>
    [Alias("apply")]
    Task<ApplyOutcome> ApplyAsync(EventEnvelope e);

    /// <summary>The key's state as JSON (null before its first event) and the number of events applied.</summary>
    [Alias("state")]
    Task<KeySnapshot> GetAsync();
}

/// <summary>What became of an event.</summary>
[GenerateSerializer, Alias("ngsiflow.apply-outcome")]
internal enum ApplyOutcome
{
    /// <summary>Applied and stored.</summary>
    Applied,

    /// <summary>Its idempotency key was applied before: skipped.</summary>
    Duplicate,

    /// <summary>The job could not apply it (logged): not stored, not retried.</summary>
    Rejected,
}

/// <summary>A key's stored state.</summary>
[GenerateSerializer, Immutable, Alias("ngsiflow.key-snapshot")]
internal sealed record KeySnapshot([property: Id(0)] string? State, [property: Id(1)] long Applied, [property: Id(2)] int PendingWriteBacks);
