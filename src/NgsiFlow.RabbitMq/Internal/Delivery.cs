using NgsiFlow.Connector;

namespace NgsiFlow.RabbitMq.Internal;

/// <summary>A message taken from a partition queue, decoded (or not, when <see cref="Event"/> is null).</summary>
internal sealed record Delivery(ulong Tag, bool Redelivered, string MessageId, string? Key, NgsiEvent? Event, string? Error);
