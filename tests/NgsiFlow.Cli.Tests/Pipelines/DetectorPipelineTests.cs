using NgsiFlow.Cli.Pipelines.Detector;
using NgsiFlow.Engine;

namespace NgsiFlow.Cli.Tests.Pipelines;

public sealed class DetectorPipelineTests
{
    private static CancellationToken Token() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task InProcess_twoIntervals_publishesOneDataCleanMessagePerBatch()
    {
        var clock = new ManualTimeProvider();
        await using var pipeline = DetectorPipeline.InProcess(TimeSpan.FromSeconds(5), 10, new StreamJobOptions { TimeProvider = clock });
        var topology = new DetectorTopology();
        pipeline.Job.Start();

        // First interval: orbit 100 (partition 0) has 3 clean hits on 2 channels of chamber 0, plus a trigger;
        // orbit 101 (partition 1) has one hit in chamber 3. A malformed line is skipped, not counted.
        foreach (var line in new[] { "2,0,5,100,1,1", "2,0,5,100,2,1", "2,0,6,100,3,1", "2,0,139,100,4,1", "2,1,99,101,5,1", "2,0,nope,101,5,1" })
        {
            var orbit = long.Parse(line.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture);
            await pipeline.Partitions[topology.PartitionOf(orbit)].WriteAsync(line, Token());
        }

        await pipeline.Job.WhenIdleAsync(Token());
        clock.Advance(TimeSpan.FromSeconds(5));
        await pipeline.Job.WhenIdleAsync(Token());

        // Second interval: one hit in chamber 1.
        await pipeline.Partitions[2].WriteAsync("2,0,64,102,1,1", Token());
        await pipeline.Job.WhenIdleAsync(Token());
        clock.Advance(TimeSpan.FromSeconds(5));
        await pipeline.Job.WhenIdleAsync(Token());
        await pipeline.Job.StopAsync(Token());

        var messages = new List<DetectorBatchResult>();
        await foreach (var json in pipeline.Clean!.ReadAllAsync(Token()))
        {
            messages.Add(DetectorBatchResult.FromJson(json));
        }

        messages.Count.ShouldBe(2);
        var first = messages[0];
        first.Records.ShouldBe(5);
        first.Triggers.ShouldBe(1);
        first.Chambers.Select(c => c.Hits).ShouldBe([3L, 0L, 0L, 1L]);
        first.Chambers[0].ChannelCounts[5].ShouldBe(2);
        first.Chambers[0].ChannelCounts[6].ShouldBe(1);
        first.Chambers[0].ActiveChannelsPerOrbit[2].ShouldBe(1);
        first.Chambers[3].ChannelCounts[99 - 64].ShouldBe(1);
        (first.End - first.Start).ShouldBe(TimeSpan.FromSeconds(5));
        messages[1].Chambers.Select(c => c.Hits).ShouldBe([0L, 1L, 0L, 0L]);
        messages[1].BatchId.ShouldBe(1);
        pipeline.Records.ShouldBe(6);
        pipeline.Job.GetStatistics("parse").Skipped.ShouldBe(1);
    }

    [Fact]
    public void Encode_records_areCsvLinesTheSourceParsesBack()
    {
        DetectorHit[] hits = [new(2, 0, 1, 5, 6, 7), new(2, 1, 139, 5, 6, 8)];

        DetectorHit.ParseLines(DetectorPipeline.Encode(hits)).ShouldBe(hits);
    }
}
