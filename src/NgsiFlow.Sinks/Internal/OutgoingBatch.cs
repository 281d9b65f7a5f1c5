namespace NgsiFlow.Sinks.Internal;

/// <summary>One batch on its way to the destination, kept across retries.</summary>
/// <typeparam name="TRecord">The destination's record type.</typeparam>
internal sealed class OutgoingBatch<TRecord>
{
    public OutgoingBatch(List<TRecord> records) => Records = records;

    /// <summary>The records, in stream order.</summary>
    public List<TRecord> Records { get; }

    /// <summary>Attempts started so far (1 on the first).</summary>
    public int Attempt { get; set; }

    /// <summary>Per-record acknowledgement a transport may keep so that a retry resends only what is missing.</summary>
    public bool[]? Acknowledged { get; set; }
}
