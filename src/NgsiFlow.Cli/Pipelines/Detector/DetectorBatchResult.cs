using System.Text.Json;

namespace NgsiFlow.Cli.Pipelines.Detector;

/// <summary>
/// What one micro-batch of detector records gives: the message published to <c>data_clean</c>.
/// </summary>
/// <param name="BatchId">The batch's sequence number.</param>
/// <param name="Start">When the batch opened.</param>
/// <param name="End">When it closed.</param>
/// <param name="Records">Records in the batch, before cleaning (the number of hits as they arrived).</param>
/// <param name="CleanHits">Hits left after cleaning (in a chamber: HEAD 2, FPGA 0/1, channel 0–127).</param>
/// <param name="Triggers">Trigger records (channel 139) dropped by cleaning.</param>
/// <param name="Chambers">Per chamber, in order 0 to 3.</param>
internal sealed record DetectorBatchResult(
    long BatchId,
    DateTimeOffset Start,
    DateTimeOffset End,
    long Records,
    long CleanHits,
    long Triggers,
    IReadOnlyList<ChamberResult> Chambers)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The JSON message for <c>data_clean</c>.</summary>
    /// <returns>UTF-8 JSON.</returns>
    public byte[] ToJsonUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a <c>data_clean</c> message.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <returns>The result.</returns>
    /// <exception cref="JsonException">Not a batch result.</exception>
    public static DetectorBatchResult FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<DetectorBatchResult>(json, Json) ?? throw new JsonException("A data_clean message was null.");
}

/// <summary>The figures of one chamber in one batch.</summary>
/// <param name="Chamber">0 to 3.</param>
/// <param name="Hits">Clean hits in the chamber.</param>
/// <param name="FirstChannel">The TDC channel of <see cref="ChannelCounts"/>[0] (0 or 64).</param>
/// <param name="ChannelCounts">Hits per TDC channel, 64 entries from <see cref="FirstChannel"/>: the histogram of active channels.</param>
/// <param name="ActiveChannelsPerOrbit">
/// Entry k: how many orbits had exactly k distinct channels of the chamber with hits (k = 0 to 64; entry 0 stays 0,
/// since an orbit without hits in the chamber is not seen).
/// </param>
internal sealed record ChamberResult(int Chamber, long Hits, int FirstChannel, long[] ChannelCounts, long[] ActiveChannelsPerOrbit);
