using NgsiFlow.Ngsi;

namespace NgsiFlow.Cluster;

/// <summary>
/// One write a cluster job asks for: attributes of an NGSI-v2 entity, appended, updated or upserted as
/// <see cref="Mode"/> says. The key's grain stores it in its outbox together with the new state, then sends it through
/// the node's replier.
/// </summary>
/// <param name="EntityId">The entity to write.</param>
/// <param name="EntityType">Its type.</param>
/// <param name="Attributes">The attributes to write.</param>
/// <param name="Fiware">Tenant and service path; null for the broker connection's default.</param>
/// <param name="Mode">How the attributes are written; default appended to the entity.</param>
public sealed record WriteBack(string EntityId, string EntityType, IReadOnlyList<NgsiV2Attribute> Attributes, FiwareContext? Fiware = null, WriteBackMode Mode = WriteBackMode.Append)
{
    /// <summary>The span the write belongs to (the update that caused it), for tracing; not stored in the outbox.</summary>
    public System.Diagnostics.ActivityContext TraceContext { get; init; }

    /// <summary>Sends the write through <paramref name="replier"/>, as a key's grain does after storing it.</summary>
    /// <param name="replier">The replier of the job's broker.</param>
    /// <param name="cancellationToken">Stops waiting (the write may still happen).</param>
    /// <returns>Completes when the broker confirmed.</returns>
    public Task SendAsync(NgsiFlow.Connector.NgsiReplier replier, CancellationToken cancellationToken) => Internal.WriteBacks.SendAsync(replier, this, cancellationToken);
}

/// <summary>How a <see cref="WriteBack"/> reaches the broker.</summary>
public enum WriteBackMode
{
    /// <summary>POST <c>/v2/entities/{id}/attrs</c>: adds or replaces the attributes of an existing entity.</summary>
    Append,

    /// <summary>PATCH <c>/v2/entities/{id}/attrs</c>: updates attributes the entity has already.</summary>
    Update,

    /// <summary>POST <c>/v2/entities?options=upsert</c>: creates the entity when missing, else adds or replaces the attributes.</summary>
    Upsert,
}
