using Microsoft.Extensions.Logging;
using NgsiFlow.Cluster;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;
using NgsiFlow.Sinks.InfluxDb;
using NgsiFlow.Sinks.PostgreSql;
using NgsiFlow.Sinks.RabbitMq;

namespace NgsiFlow.Jobs.Internal;

/// <summary>The sinks of a job file, each fed the write-backs the job makes.</summary>
internal static class JobSinks
{
    public static IStreamSink<WriteBack> Create(JobSink sink, string job, TimeProvider clock, ILogger logger) => sink switch
    {
        JobInfluxDbSink i => new InfluxDbSink<WriteBack>(
            new InfluxDbSinkOptions { Name = $"{job}-influxdb", ServerUri = i.Url, Database = i.Database, Username = i.Username, Password = i.Password, CreateDatabase = i.CreateDatabase },
            (WriteBack w, ICollection<InfluxPoint> points) =>
            {
                var point = new InfluxPoint(i.Measurement ?? job).Tag("entity_id", w.EntityId).Tag("entity_type", w.EntityType);
                var fields = 0;
                foreach (var a in w.Attributes)
                {
                    if (a.Value.TryGetNumber(out var n) && double.IsFinite(n))
                    {
                        point.Field(a.Name, n);
                        fields++;
                    }
                    else if (a.Value.TryGetString(out var s))
                    {
                        point.Field(a.Name, s);
                        fields++;
                    }
                    else if (a.Value.TryGetBoolean(out var b))
                    {
                        point.Field(a.Name, b);
                        fields++;
                    }
                }

                if (fields > 0)
                {
                    points.Add(point.At(clock.GetUtcNow()));
                }
            },
            logger),
        JobPostgreSqlSink p => new PostgreSqlHistorySink<WriteBack>(
            new PostgreSqlHistorySinkOptions { Name = $"{job}-postgresql", ConnectionString = p.ConnectionString, Schema = p.Schema ?? "public", Table = p.Table ?? "entity_history" },
            (WriteBack w, ICollection<EntityAttributeRow> rows) =>
            {
                var now = clock.GetUtcNow();
                foreach (var a in w.Attributes)
                {
                    rows.Add(new EntityAttributeRow(w.Fiware?.Tenant ?? string.Empty, w.Fiware?.ServicePath ?? "/", w.EntityId, w.EntityType, a.Name, a.Type ?? "Text",
                        a.Value.IsNull ? null : a.Value.ToJson(), now, now));
                }
            },
            logger),
        JobRabbitMqSink r => new RabbitMqSink<WriteBack>(
            new RabbitMqSinkOptions { Name = $"{job}-rabbitmq", Uri = r.Uri, Exchange = r.Exchange, RoutingKey = r.RoutingKey },
            w => new RabbitMqMessage(NgsiV2Writer.EntityToBytes(new NgsiV2Entity(w.EntityId, w.EntityType, new NgsiV2AttributeCollection(w.Attributes))), r.RoutingKey ?? w.EntityType),
            logger),
        _ => throw new ArgumentException($"Unknown sink {sink}.", nameof(sink)),
    };
}
