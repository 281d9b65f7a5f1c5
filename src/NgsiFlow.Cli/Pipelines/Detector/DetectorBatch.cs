using System.Numerics;

namespace NgsiFlow.Cli.Pipelines.Detector;

/// <summary>
/// The detector's micro-batch computation (the body of the seed's foreachBatch): cleaning, hits per chamber, the
/// histogram of active channels per chamber and the histogram of the number of active channels per orbit per chamber.
/// Reusable: <see cref="Add(in DetectorHit)"/> the records of a batch, then <see cref="Complete"/>, which also resets it.
/// </summary>
internal sealed class DetectorBatch
{
    private readonly long[][] _channels = NewCounts(DetectorHit.ChannelsPerChamber);

    // One bit per channel of the chamber: 64 channels fit a ulong, so "distinct channels in an orbit" is a popcount.
    private readonly Dictionary<long, ulong>[] _orbitChannels = [new(), new(), new(), new()];
    private readonly long[] _hits = new long[DetectorHit.ChamberCount];
    private long _records;
    private long _triggers;

    /// <summary>Computes the result of a whole batch at once.</summary>
    /// <param name="hits">The records.</param>
    /// <param name="batchId">The batch number.</param>
    /// <param name="start">When it opened.</param>
    /// <param name="end">When it closed.</param>
    /// <returns>The result.</returns>
    public static DetectorBatchResult Compute(ReadOnlySpan<DetectorHit> hits, long batchId, DateTimeOffset start, DateTimeOffset end)
    {
        var batch = new DetectorBatch();
        batch.AddRange(hits);
        return batch.Complete(batchId, start, end);
    }

    /// <summary>Adds one record.</summary>
    /// <param name="hit">The record.</param>
    public void Add(in DetectorHit hit)
    {
        _records++;
        if (hit.IsTrigger)
        {
            _triggers++;
        }

        var chamber = hit.Chamber;
        if (chamber < 0)
        {
            return;
        }

        var local = hit.TdcChannel % DetectorHit.ChannelsPerChamber;
        _hits[chamber]++;
        _channels[chamber][local]++;
        var orbits = _orbitChannels[chamber];
        orbits.TryGetValue(hit.OrbitCount, out var mask);
        orbits[hit.OrbitCount] = mask | (1UL << local);
    }

    /// <summary>Adds records.</summary>
    /// <param name="hits">The records.</param>
    public void AddRange(ReadOnlySpan<DetectorHit> hits)
    {
        foreach (ref readonly var hit in hits)
        {
            Add(in hit);
        }
    }

    /// <summary>Returns the result of what was added, and starts over.</summary>
    /// <param name="batchId">The batch number.</param>
    /// <param name="start">When it opened.</param>
    /// <param name="end">When it closed.</param>
    /// <returns>The result.</returns>
    public DetectorBatchResult Complete(long batchId, DateTimeOffset start, DateTimeOffset end)
    {
        var chambers = new ChamberResult[DetectorHit.ChamberCount];
        long clean = 0;
        for (var c = 0; c < chambers.Length; c++)
        {
            var perOrbit = new long[DetectorHit.ChannelsPerChamber + 1];
            foreach (var mask in _orbitChannels[c].Values)
            {
                perOrbit[BitOperations.PopCount(mask)]++;
            }

            chambers[c] = new ChamberResult(c, _hits[c], (c % 2) * DetectorHit.ChannelsPerChamber, _channels[c], perOrbit);
            clean += _hits[c];
            _channels[c] = new long[DetectorHit.ChannelsPerChamber];
            _orbitChannels[c].Clear();
            _hits[c] = 0;
        }

        var result = new DetectorBatchResult(batchId, start, end, _records, clean, _triggers, chambers);
        _records = 0;
        _triggers = 0;
        return result;
    }

    private static long[][] NewCounts(int length)
    {
        var counts = new long[DetectorHit.ChamberCount][];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = new long[length];
        }

        return counts;
    }
}
