using System.Text.Json;

namespace NgsiFlow.RabbitMq.Internal;

/// <summary>
/// What a partition's owner stores in the partition's state queue before acknowledging messages: the job's state
/// (a <see cref="NgsiFlow.Engine.JobSnapshot"/>), the ids of the messages it covers that may not be acknowledged yet
/// (so that a successor skips them instead of applying them twice), and the recent idempotency keys per entity.
/// </summary>
internal sealed class CheckpointRecord
{
    public required string Job { get; init; }

    public required int Partition { get; init; }

    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>Counts the partition's checkpoints: each owner stores its predecessor's generation plus one.</summary>
    public long Generation { get; init; }

    public required string Worker { get; init; }

    public required byte[] Snapshot { get; init; }

    public required List<string> CoveredMessageIds { get; init; }

    public required Dictionary<string, List<string>> RecentKeys { get; init; }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static CheckpointRecord FromBytes(ReadOnlySpan<byte> data) =>
        JsonSerializer.Deserialize<CheckpointRecord>(data) ?? throw new JsonException("The state message holds no checkpoint.");
}
