using System.Globalization;
using NgsiFlow.Cli.Pipelines.Detector;
using NgsiFlow.IntegrationTests.Demo;
using NgsiFlow.Sinks.RabbitMq;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests.Pipelines;

/// <summary>The detector pipeline over a real RabbitMQ: data_raw as 10 partition queues, results on data_clean.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class DetectorRabbitMqTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Token() => new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

    [Fact]
    public async Task OnRabbitMq_publishedHits_giveTheIndependentlyComputedHistogramsOnDataClean()
    {
        var uri = rabbit.Server.Uri;
        var prefix = "t" + Guid.NewGuid().ToString("N")[..6];
        var topology = new DetectorTopology(prefix + ".data_raw", prefix + ".data_clean");
        await topology.DeclareAsync(uri, purge: true, Token());
        var hits = new DetectorHit[30_000];
        new HitGenerator(seed: 21).Fill(hits);
        await using (var publisher = new RabbitMqHitPublisher(uri, topology, linesPerMessage: 50))
        {
            await publisher.PublishAsync(hits, Token());
            publisher.Messages.ShouldBeGreaterThan(600);
        }

        // One long interval: the batch closes when the job stops, so the whole input is one batch.
        await using var pipeline = DetectorPipeline.OnRabbitMq(uri, topology, TimeSpan.FromHours(1));
        pipeline.Job.Start();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (pipeline.Job.GetStatistics("records").EventsOut < hits.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await pipeline.Job.StopAsync(Token());
        pipeline.Batches.ShouldBe(1);

        await using var clean = new RabbitMqQueueSource<DetectorBatchResult>(
            new RabbitMqQueueSourceOptions { Uri = uri, Queue = topology.Clean },
            d => DetectorBatchResult.FromJson(d.Body.Span));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        DetectorBatchResult? result = null;
        await foreach (var item in clean.ReadAsync(stop.Token))
        {
            result = item.Value;
            await clean.AcknowledgeAsync(item.Position, Token());
            break;
        }

        result.ShouldNotBeNull();
        result.Records.ShouldBe(hits.Length);
        result.Triggers.ShouldBe(hits.Count(h => h.TdcChannel == 139));
        var clean0 = hits.Where(h => h.Head == 2 && h.TdcChannel < 128).ToList();
        result.CleanHits.ShouldBe(clean0.Count);
        for (var c = 0; c < 4; c++)
        {
            var inChamber = clean0.Where(h => h.Fpga == c / 2 && h.TdcChannel / 64 == c % 2).ToList();
            result.Chambers[c].Hits.ShouldBe(inChamber.Count);
            var byChannel = inChamber.GroupBy(h => h.TdcChannel % 64).ToDictionary(g => g.Key, g => (long)g.Count());
            result.Chambers[c].ChannelCounts.ShouldBe(Enumerable.Range(0, 64).Select(i => byChannel.GetValueOrDefault(i)).ToArray());
            var perOrbit = inChamber.GroupBy(h => h.OrbitCount).Select(g => g.Select(h => h.TdcChannel).Distinct().Count())
                .GroupBy(n => n).ToDictionary(g => g.Key, g => (long)g.Count());
            result.Chambers[c].ActiveChannelsPerOrbit.ShouldBe(Enumerable.Range(0, 65).Select(k => perOrbit.GetValueOrDefault(k)).ToArray());
        }

        var queues = rabbit.Server.Ctl("list_queues", "name", "messages").Output;
        for (var p = 0; p < topology.Partitions; p++)
        {
            queues.ShouldContain(topology.PartitionQueue(p) + "\t0");
        }
    }

    [Fact]
    public async Task DemoDetector_onRabbitMq_processesEveryRecordAndWritesTheSummary()
    {
        var summary = Path.Combine(Path.GetTempPath(), $"ngsiflow-detector-{Guid.NewGuid():N}.json");
        var (code, output, error) = await DemoProcess.RunAsync(
            TimeSpan.FromSeconds(120),
            "detector", "--rabbitmq", rabbit.Server.Uri.ToString(), "--hits", "40000", "--rate", "10000", "--batch-seconds", "1", "--no-dashboard", "--summary-json", summary);

        code.ShouldBe(0, output + error);
        output.ShouldContain("RabbitMQ");
        var json = DemoProcess.ReadSummary(summary);
        json.GetProperty("transport").GetString().ShouldBe("RabbitMQ");
        json.GetProperty("records_sent").GetInt64().ShouldBe(40_000);
        json.GetProperty("records_processed").GetInt64().ShouldBe(40_000);
        json.GetProperty("lost").GetInt64().ShouldBe(0);
        json.GetProperty("batches").GetInt64().ShouldBeGreaterThanOrEqualTo(3);
        File.Delete(summary);
    }

    [Fact]
    public async Task DemoRegimes_onRabbitMq_predictsEveryReading()
    {
        var summary = Path.Combine(Path.GetTempPath(), $"ngsiflow-regimes-{Guid.NewGuid():N}.json");
        var (code, output, error) = await DemoProcess.RunAsync(
            TimeSpan.FromSeconds(120),
            "regimes", "--rabbitmq", rabbit.Server.Uri.ToString(), "--readings", "800", "--machines", "2", "--rate", "0", "--no-dashboard", "--summary-json", summary);

        code.ShouldBe(0, output + error);
        output.ShouldContain("skipped: no --influx URL");
        var json = DemoProcess.ReadSummary(summary);
        json.GetProperty("readings").GetInt64().ShouldBe(1600);
        json.GetProperty("predictions").GetInt64().ShouldBe(1600);
        json.GetProperty("agreement_kmeans_percent").GetDouble().ShouldBeGreaterThan(95);
        File.Delete(summary);
    }

    [Fact]
    public async Task DemoDetector_unreachableRabbitMq_saysSoAndExits1()
    {
        var port = NgsiFlow.Testing.FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var (code, _, error) = await DemoProcess.RunAsync(TimeSpan.FromSeconds(60), "detector", "--rabbitmq", $"amqp://guest:guest@127.0.0.1:{port}/", "--no-dashboard", "--seconds", "1");

        code.ShouldBe(1);
        error.ShouldContain("is unreachable");
        error.ShouldNotContain("guest:guest");
    }
}
