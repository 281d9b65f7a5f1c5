namespace NgsiFlow.RabbitMq;

/// <summary>Names of the distributed mode's metrics.</summary>
public static class RabbitMqMetrics
{
    /// <summary>The meter: <c>ngsiflow.rabbitmq.processed</c>, <c>.acknowledged</c>, <c>.duplicates</c>,
    /// <c>.redelivered</c>, <c>.checkpoints</c>, <c>.takeovers</c> (counters) and <c>.partitions.owned</c> (gauge),
    /// each tagged with <c>job</c>.</summary>
    public const string MeterName = "NgsiFlow.RabbitMq";
}
