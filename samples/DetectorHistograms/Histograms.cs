using System.Globalization;
using System.Numerics;
using RabbitMQ.Client;

namespace DetectorHistograms;

/// <summary>One readout record: HEAD,FPGA,TDC_CHANNEL,ORBIT_CNT,BX_COUNTER,TDC_MEAS.</summary>
public readonly record struct Hit(int Head, int Fpga, int Channel, long Orbit, int Bx, int TdcMeas)
{
    public static Hit Parse(string line)
    {
        var f = line.Split(',');
        if (f.Length != 6)
        {
            throw new FormatException($"'{line}': expected 6 fields, HEAD,FPGA,TDC_CHANNEL,ORBIT_CNT,BX_COUNTER,TDC_MEAS.");
        }

        return new Hit(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture),
            long.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture), int.Parse(f[5], CultureInfo.InvariantCulture));
    }

    /// <summary>Chamber 0: FPGA 0 channels 0–63; 1: FPGA 0 64–127; 2 and 3 likewise on FPGA 1. -1: dropped when cleaning
    /// (the trigger channel 139, ancillary records with HEAD other than 2).</summary>
    public int Chamber => Head == 2 && Channel < 128 ? (Fpga * 2) + (Channel / 64) : -1;
}

/// <summary>What one batch gives, published as one JSON message.</summary>
public sealed record BatchResult(long Batch, long Hits, long[] HitsPerChamber, long[][] ChannelHistogram, long[][] ActiveChannelsPerOrbit);

public static class Histograms
{
    public static BatchResult Compute(ReadOnlySpan<Hit> hits, long batch)
    {
        var perChamber = new long[4];
        var channels = Enumerable.Range(0, 4).Select(_ => new long[64]).ToArray();
        var orbits = Enumerable.Range(0, 4).Select(_ => new Dictionary<long, ulong>()).ToArray();   // orbit -> bit per channel
        foreach (var hit in hits)
        {
            var c = hit.Chamber;
            if (c < 0)
            {
                continue;
            }

            perChamber[c]++;
            channels[c][hit.Channel % 64]++;
            orbits[c][hit.Orbit] = orbits[c].GetValueOrDefault(hit.Orbit) | (1UL << (hit.Channel % 64));
        }

        var active = orbits.Select(o =>
        {
            var histogram = new long[65];
            foreach (var mask in o.Values)
            {
                histogram[BitOperations.PopCount(mask)]++;
            }

            return histogram;
        }).ToArray();
        return new BatchResult(batch, hits.Length, perChamber, channels, active);
    }
}

public static class RabbitMqQueues
{
    public static async Task DeclareAsync(Uri uri, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
    }
}
