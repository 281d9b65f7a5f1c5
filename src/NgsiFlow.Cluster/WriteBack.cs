using NgsiFlow.Ngsi;

namespace NgsiFlow.Cluster;

/// <summary>
/// One write a cluster job asks for: attributes of an NGSI-v2 entity, appended (POST <c>/v2/entities/{id}/attrs</c>)
/// or, with <see cref="Upsert"/>, created together with the entity when it does not exist yet. The key's grain stores it
/// in its outbox together with the new state, then sends it through the node's replier.
/// </summary>
/// <param name="EntityId">The entity to write.</param>
/// <param name="EntityType">Its type.</param>
/// <param name="Attributes">The attributes to write.</param>
/// <param name="Fiware">Tenant and service path; null for the broker connection's default.</param>
/// <param name="Upsert">Create the entity when missing (POST <c>/v2/entities?options=upsert</c>) instead of appending to an existing one.</param>
public sealed record WriteBack(string EntityId, string EntityType, IReadOnlyList<NgsiV2Attribute> Attributes, FiwareContext? Fiware = null, bool Upsert = false);
