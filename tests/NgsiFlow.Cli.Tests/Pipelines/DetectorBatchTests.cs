using NgsiFlow.Cli.Pipelines.Detector;

namespace NgsiFlow.Cli.Tests.Pipelines;

public sealed class DetectorBatchTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Eleven records, reasoned one by one (HEAD,FPGA,TDC_CHANNEL,ORBIT_CNT,BX_COUNTER,TDC_MEAS):
    private static readonly string[] Lines =
    [
        "2,0,5,100,10,1",    // chamber 0, channel 5, orbit 100
        "2,0,5,100,11,2",    // chamber 0, channel 5 again in orbit 100 (one active channel, two hits)
        "2,0,7,100,12,3",    // chamber 0, channel 7, orbit 100 -> orbit 100 has 2 active channels in chamber 0
        "2,0,70,100,13,4",   // chamber 1, channel 70, orbit 100
        "2,0,139,100,14,5",  // trigger: dropped
        "2,1,0,101,15,6",    // chamber 2, channel 0, orbit 101
        "2,1,127,101,16,7",  // chamber 3, channel 127, orbit 101
        "2,1,127,102,17,8",  // chamber 3, channel 127, orbit 102
        "2,1,100,102,18,9",  // chamber 3, channel 100, orbit 102 -> orbit 102 has 2 active channels in chamber 3
        "1,0,5,102,19,0",    // ancillary (HEAD 1): dropped
        "2,0,5,103,20,1",    // chamber 0, channel 5, orbit 103 -> 1 active channel
    ];

    [Fact]
    public void Compute_smallReasonedInput_givesTheHandComputedHistograms()
    {
        var hits = Lines.Select(l => DetectorHit.Parse(l)).ToArray();

        var result = DetectorBatch.Compute(hits, 7, T0, T0.AddSeconds(5));

        result.BatchId.ShouldBe(7);
        result.Records.ShouldBe(11);
        result.Triggers.ShouldBe(1);
        result.CleanHits.ShouldBe(9);
        result.Chambers.Select(c => c.Hits).ShouldBe([4L, 1L, 1L, 3L]);
        result.Chambers.Select(c => c.FirstChannel).ShouldBe([0, 64, 0, 64]);

        ShouldHave(result.Chambers[0].ChannelCounts, (5, 3), (7, 1));
        ShouldHave(result.Chambers[1].ChannelCounts, (70 - 64, 1));
        ShouldHave(result.Chambers[2].ChannelCounts, (0, 1));
        ShouldHave(result.Chambers[3].ChannelCounts, (127 - 64, 2), (100 - 64, 1));

        ShouldHave(result.Chambers[0].ActiveChannelsPerOrbit, (1, 1), (2, 1));   // orbit 103: 1 channel; orbit 100: 2
        ShouldHave(result.Chambers[1].ActiveChannelsPerOrbit, (1, 1));
        ShouldHave(result.Chambers[2].ActiveChannelsPerOrbit, (1, 1));
        ShouldHave(result.Chambers[3].ActiveChannelsPerOrbit, (1, 1), (2, 1));   // orbit 101: 1; orbit 102: 2
    }

    [Fact]
    public void Complete_reusedAggregator_startsEachBatchEmpty()
    {
        var batch = new DetectorBatch();
        batch.AddRange(Lines.Select(l => DetectorHit.Parse(l)).ToArray());
        batch.Complete(0, T0, T0);

        batch.Add(DetectorHit.Parse("2,1,64,500,1,1"));
        var second = batch.Complete(1, T0, T0);

        second.Records.ShouldBe(1);
        second.Triggers.ShouldBe(0);
        second.Chambers.Select(c => c.Hits).ShouldBe([0L, 0L, 0L, 1L]);
        ShouldHave(second.Chambers[3].ChannelCounts, (0, 1));
        ShouldHave(second.Chambers[3].ActiveChannelsPerOrbit, (1, 1));
        second.Chambers[0].ActiveChannelsPerOrbit.ShouldAllBe(v => v == 0);
    }

    [Fact]
    public void Compute_generatedHits_matchesAStraightforwardGroupByComputation()
    {
        var hits = new DetectorHit[200_000];
        new HitGenerator(seed: 11).Fill(hits);

        var result = DetectorBatch.Compute(hits, 0, T0, T0);

        // Independent computation: clean with the seed's rules, then group with LINQ.
        var clean = hits.Where(h => h.Head == 2 && h.TdcChannel != 139 && h.TdcChannel < 128)
            .Select(h => (Chamber: (h.Fpga * 2) + (h.TdcChannel >= 64 ? 1 : 0), h.TdcChannel, h.OrbitCount))
            .ToList();
        result.Records.ShouldBe(hits.Length);
        result.Triggers.ShouldBe(hits.Count(h => h.TdcChannel == 139));
        result.CleanHits.ShouldBe(clean.Count);
        for (var c = 0; c < 4; c++)
        {
            var inChamber = clean.Where(h => h.Chamber == c).ToList();
            result.Chambers[c].Hits.ShouldBe(inChamber.Count);
            var channels = inChamber.GroupBy(h => h.TdcChannel).ToDictionary(g => g.Key, g => (long)g.Count());
            for (var i = 0; i < 64; i++)
            {
                result.Chambers[c].ChannelCounts[i].ShouldBe(channels.GetValueOrDefault(result.Chambers[c].FirstChannel + i), $"chamber {c} channel {i}");
            }

            var perOrbit = inChamber.GroupBy(h => h.OrbitCount).Select(g => g.Select(h => h.TdcChannel).Distinct().Count())
                .GroupBy(n => n).ToDictionary(g => g.Key, g => (long)g.Count());
            for (var k = 0; k <= 64; k++)
            {
                result.Chambers[c].ActiveChannelsPerOrbit[k].ShouldBe(perOrbit.GetValueOrDefault(k), $"chamber {c}, {k} active channels");
            }
        }
    }

    [Fact]
    public void ToJsonUtf8_result_roundTripsAsTheDataCleanMessage()
    {
        var result = DetectorBatch.Compute(Lines.Select(l => DetectorHit.Parse(l)).ToArray(), 3, T0, T0.AddSeconds(5));

        var json = System.Text.Encoding.UTF8.GetString(result.ToJsonUtf8());
        json.ShouldContain("\"batchId\":3");
        json.ShouldContain("\"cleanHits\":9");
        json.ShouldContain("\"activeChannelsPerOrbit\":[0,1,1,0");
        var back = DetectorBatchResult.FromJson(result.ToJsonUtf8());
        back.Records.ShouldBe(11);
        back.Chambers[3].ChannelCounts[63].ShouldBe(2);
        back.End.ShouldBe(T0.AddSeconds(5));
    }

    private static void ShouldHave(long[] counts, params (int Index, long Count)[] nonZero)
    {
        var expected = new long[counts.Length];
        foreach (var (index, count) in nonZero)
        {
            expected[index] = count;
        }

        counts.ShouldBe(expected);
    }
}
