namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>A message as a RabbitMQ source hands it to its deserializer.</summary>
/// <param name="Body">The body; valid only during the deserializer call (copy it to keep it).</param>
/// <param name="Exchange">The exchange it was published to.</param>
/// <param name="RoutingKey">Its routing key.</param>
/// <param name="Redelivered">Whether the broker delivered it before (a previous consumer did not acknowledge it).</param>
/// <param name="ContentType">The content type property, if any.</param>
/// <param name="MessageId">The message id property, if any.</param>
/// <param name="Headers">The application headers, if any (strings arrive as UTF-8 byte arrays).</param>
public readonly record struct RabbitMqDelivery(
    ReadOnlyMemory<byte> Body,
    string Exchange,
    string RoutingKey,
    bool Redelivered,
    string? ContentType,
    string? MessageId,
    IDictionary<string, object?>? Headers);
