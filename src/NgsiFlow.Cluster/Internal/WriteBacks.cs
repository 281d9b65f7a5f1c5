using NgsiFlow.Connector;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cluster.Internal;

/// <summary>Sends a <see cref="WriteBack"/> through the replier, and carries it through a grain's outbox.</summary>
internal static class WriteBacks
{
    public static Task SendAsync(NgsiReplier replier, WriteBack write, CancellationToken cancellationToken) => write.Mode switch
    {
        WriteBackMode.Upsert => replier.UpsertEntityAsync(new NgsiV2Entity(write.EntityId, write.EntityType, new NgsiV2AttributeCollection(write.Attributes)), write.Fiware, cancellationToken),
        WriteBackMode.Update => replier.UpdateAttributesAsync(write.EntityId, write.EntityType, write.Attributes, write.Fiware, cancellationToken),
        _ => replier.AppendAttributesAsync(write.EntityId, write.EntityType, write.Attributes, write.Fiware, cancellationToken),
    };

    public static OutboxEntry ToEntry(WriteBack write, long seq) => new()
    {
        Seq = seq,
        Entity = NgsiV2Writer.EntityToBytes(new NgsiV2Entity(write.EntityId, write.EntityType, new NgsiV2AttributeCollection(write.Attributes))),
        Tenant = write.Fiware?.Tenant,
        ServicePath = write.Fiware?.ServicePath,
        Mode = write.Mode,
    };

    public static WriteBack FromEntry(OutboxEntry entry)
    {
        var entity = NgsiV2Parser.ParseEntity(entry.Entity);
        var fiware = entry.Tenant is null && entry.ServicePath is null ? null : new FiwareContext(entry.Tenant ?? string.Empty, entry.ServicePath ?? "/", null);
        return new WriteBack(entity.Id, entity.Type, [.. entity.Attributes], fiware, entry.Mode);
    }
}
