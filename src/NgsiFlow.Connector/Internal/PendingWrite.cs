using System.Diagnostics;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Internal;

/// <summary>How a write can be coalesced with others.</summary>
internal enum BatchKind
{
    /// <summary>Sent on its own.</summary>
    None,

    /// <summary><c>/v2/op/update</c> with actionType update (PATCH of existing attributes).</summary>
    V2Update,

    /// <summary><c>/v2/op/update</c> with actionType append (attributes added or replaced, entity created if missing).</summary>
    V2Append,

    /// <summary>NGSI-LD <c>entityOperations/upsert?options=update</c>.</summary>
    LdUpsert,
}

/// <summary>One write waiting for the broker's confirmation.</summary>
internal sealed class PendingWrite
{
    public required HttpMethod Method { get; init; }

    public required string Path { get; init; }

    public required byte[] Body { get; init; }

    public required string ContentType { get; init; }

    public required FiwareContext Fiware { get; init; }

    public BatchKind Kind { get; init; }

    public NgsiV2Entity? V2Entity { get; init; }

    public NgsiLdEntity? LdEntity { get; init; }

    public NgsiValue LdContext { get; init; }

    /// <summary>The span the write belongs to: its event's, or the caller's current one.</summary>
    public ActivityContext Parent { get; init; } = Activity.Current?.Context ?? default;

    /// <summary>Writes with equal keys may share a batch request: same kind, tenant, service path and @context.</summary>
    public string BatchKey { get; init; } = string.Empty;

    public long Started { get; } = Stopwatch.GetTimestamp();

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
