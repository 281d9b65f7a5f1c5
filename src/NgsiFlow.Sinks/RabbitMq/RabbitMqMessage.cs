namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>A message for a <see cref="RabbitMqSink{T}"/>: a body and, optionally, its own exchange and routing key.</summary>
/// <param name="Body">The message body.</param>
/// <param name="RoutingKey">The routing key; null for the sink's <see cref="RabbitMqSinkOptions.RoutingKey"/>.</param>
/// <param name="Exchange">The exchange; null for the sink's <see cref="RabbitMqSinkOptions.Exchange"/>.</param>
public readonly record struct RabbitMqMessage(ReadOnlyMemory<byte> Body, string? RoutingKey = null, string? Exchange = null)
{
    /// <summary>The content type; null for the sink's <see cref="RabbitMqSinkOptions.ContentType"/>.</summary>
    public string? ContentType { get; init; }

    /// <summary>The message id property, if any.</summary>
    public string? MessageId { get; init; }

    /// <summary>Application headers, if any (values: strings, numbers, booleans, byte arrays).</summary>
    public IReadOnlyDictionary<string, object?>? Headers { get; init; }
}
