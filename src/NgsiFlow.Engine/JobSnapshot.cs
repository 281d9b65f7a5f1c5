using System.Text.Json;

namespace NgsiFlow.Engine;

/// <summary>
/// The state of a job's stateful operators (open windows, micro-batch counters, per-key state) at one consistent
/// point, grouped by operator and key partition, so that a worker taking over some partitions restores only those.
/// </summary>
public sealed class JobSnapshot
{
    /// <summary>The job's name.</summary>
    public required string Job { get; init; }

    /// <summary>When the snapshot was taken (the job's clock).</summary>
    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>The number of key partitions (<see cref="StreamJobOptions.PartitionCount"/>) the state is grouped by.</summary>
    public required int PartitionCount { get; init; }

    /// <summary>The state of each stateful operator.</summary>
    public required IReadOnlyList<OperatorSnapshot> Operators { get; init; }

    /// <summary>The same snapshot restricted to some partitions (those a worker owns).</summary>
    /// <param name="include">Whether to keep a partition.</param>
    /// <returns>The restricted snapshot.</returns>
    public JobSnapshot ForPartitions(Func<int, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        return new JobSnapshot
        {
            Job = Job,
            TakenAt = TakenAt,
            PartitionCount = PartitionCount,
            Operators = [.. Operators.Select(o => new OperatorSnapshot { Name = o.Name, Segments = [.. o.Segments.Where(s => include(s.Partition))] })],
        };
    }

    /// <summary>Serializes the snapshot (JSON; segments as base64).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>Reads a snapshot written by <see cref="ToBytes"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="JsonException">The bytes are not a snapshot.</exception>
    public static JobSnapshot FromBytes(ReadOnlySpan<byte> data) =>
        JsonSerializer.Deserialize<JobSnapshot>(data) ?? throw new JsonException("The data holds no job snapshot.");
}

/// <summary>The state of one stateful operator.</summary>
public sealed class OperatorSnapshot
{
    /// <summary>The operator's name (stable between runs of the same job definition).</summary>
    public required string Name { get; init; }

    /// <summary>Its state, in segments of one key partition each.</summary>
    public required IReadOnlyList<StateSegment> Segments { get; init; }
}

/// <summary>Serialized state of the keys of one partition (a partition may have several segments, one per lane).</summary>
/// <param name="Partition">The key partition.</param>
/// <param name="Data">The state, written by the job's <see cref="IStateSerializer"/>.</param>
public sealed record StateSegment(int Partition, byte[] Data);
