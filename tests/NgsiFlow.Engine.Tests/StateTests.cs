using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class StateTests
{
    private static (StreamJob Job, StreamInput<Ev> Input, Collector<WindowResult<string, long>> Windows, Collector<KeyedValue<string, RunningStatistics>> Stats)
        Define(StreamJobOptions options, int parallelism = 1)
    {
        var job = new StreamJob("stateful", options);
        var input = job.Input<Ev>();
        var windows = new Collector<WindowResult<string, long>>();
        var stats = new Collector<KeyedValue<string, RunningStatistics>>();
        var timed = input.WithEventTime(e => e.Time);
        timed.KeyBy(e => e.Key, parallelism).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)), name: "counts").Count().ForEachAsync(windows.Add);
        timed.KeyBy(e => e.Key, parallelism).RunningStatistics(e => e.Value, name: "stats").ForEachAsync(stats.Add);
        return (job, input, windows, stats);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(1, 4)]
    [InlineData(4, 1)]
    public async Task Snapshot_and_restore_resume_windows_and_keyed_state(int parallelism, int restoredParallelism)
    {
        var options = new StreamJobOptions { PartitionCount = 8 };
        var (first, input, _, _) = Define(options, parallelism);
        first.Start();
        await input.WriteAllAsync([new Ev("a", 1, 10), new Ev("b", 2, 20), new Ev("a", 3, 30)]);
        await first.WhenIdleAsync(TestJobs.Token());
        var snapshot = await first.SnapshotAsync(TestJobs.Token());
        first.Cancel();
        var bytes = snapshot.ToBytes();

        var (second, input2, windows, stats) = Define(new StreamJobOptions { PartitionCount = 8 }, restoredParallelism);
        second.Restore(JobSnapshot.FromBytes(bytes));
        second.Start();
        await input2.WriteAllAsync([new Ev("a", 4, 50), new Ev("b", 12, 40)]);
        await second.RunToEndAsync();

        windows.Items.Where(w => w.Start == Ev.Base).OrderBy(w => w.Key).Select(w => (w.Key, w.Value)).ShouldBe([("a", 3L), ("b", 1L)]);
        var lastA = stats.Items.Last(s => s.Key == "a").Value;
        lastA.Count.ShouldBe(3);
        lastA.Mean.ShouldBe(30.0);
        stats.Items.Last(s => s.Key == "b").Value.Mean.ShouldBe(30.0);
    }

    [Fact]
    public async Task Restoring_some_partitions_restores_only_their_keys()
    {
        var options = new StreamJobOptions { PartitionCount = 16 };
        var keys = Enumerable.Range(0, 40).Select(i => $"k{i}").ToArray();
        var (first, input, _, _) = Define(options);
        first.Start();
        await input.WriteAllAsync(keys.Select(k => new Ev(k, 1, 5)));
        await first.WhenIdleAsync(TestJobs.Token());
        var snapshot = await first.SnapshotAsync(TestJobs.Token());
        first.Cancel();
        var owned = StableHash.PartitionOf("k0", 16);

        var (second, input2, windows, _) = Define(new StreamJobOptions { PartitionCount = 16 });
        second.Restore(snapshot.ForPartitions(p => p == owned));
        second.Start();
        input2.Complete();
        await second.Completion.WaitAsync(TestJobs.Timeout);

        var expected = keys.Where(k => StableHash.PartitionOf(k, 16) == owned).Order().ToArray();
        expected.ShouldContain("k0");
        expected.Length.ShouldBeLessThan(keys.Length);
        windows.Items.Select(w => w.Key).Order().ShouldBe(expected);
    }

    [Fact]
    public void Restore_with_another_partition_count_is_refused()
    {
        var snapshot = new JobSnapshot { Job = "x", TakenAt = DateTimeOffset.UnixEpoch, PartitionCount = 4, Operators = [] };
        var job = new StreamJob("x", new StreamJobOptions { PartitionCount = 8 });
        Should.Throw<ArgumentException>(() => job.Restore(snapshot)).Message.ShouldContain("PartitionCount 8");
    }

    [Fact]
    public void Restore_of_an_operator_the_job_lacks_is_refused_at_start()
    {
        var snapshot = new JobSnapshot
        {
            Job = "x",
            TakenAt = DateTimeOffset.UnixEpoch,
            PartitionCount = 1,
            Operators = [new OperatorSnapshot { Name = "gone", Segments = [] }],
        };
        var job = new StreamJob("x");
        job.Input<int>().ForEachAsync((_, _) => default);
        job.Restore(snapshot);
        Should.Throw<InvalidOperationException>(job.Start).Message.ShouldContain("'gone'");
    }

    [Fact]
    public async Task Process_keeps_state_per_key_and_can_emit_several_results()
    {
        var job = new StreamJob("p", new StreamJobOptions { ChunkSize = 3 });
        var input = job.Input<Ev>();
        var seen = new Collector<string>();
        input.KeyBy(e => e.Key)
            .Process<string, Ev, int, string>(
                _ => 0,
                (key, ref total, e, output) =>
                {
                    total += e.Value;
                    output.Emit($"{key}={total}");
                    if (total > 5)
                    {
                        output.Emit($"{key} over 5");
                        total = 0;
                    }
                })
            .ForEachAsync(seen.Add);
        job.Start();
        await input.WriteAllAsync([new Ev("a", 0, 3), new Ev("b", 0, 1), new Ev("a", 0, 4), new Ev("a", 0, 1)]);
        await job.RunToEndAsync();

        seen.Items.ShouldBe(["a=3", "b=1", "a=7", "a over 5", "a=1"]);
    }

    [Fact]
    public async Task LastN_emits_the_last_values_of_the_key()
    {
        var job = new StreamJob("p");
        var input = job.Input<Ev>();
        var seen = new Collector<KeyedValue<string, int[]>>();
        input.KeyBy(e => e.Key).LastN(2, e => e.Value).ForEachAsync(seen.Add);
        job.Start();
        await input.WriteAllAsync([new Ev("a", 0, 1), new Ev("a", 0, 2), new Ev("b", 0, 9), new Ev("a", 0, 3)]);
        await job.RunToEndAsync();

        seen.Items.Select(v => $"{v.Key}:{string.Join(',', v.Value)}").ShouldBe(["a:1", "a:1,2", "b:9", "a:2,3"]);
    }
}

public class CheckpointTests
{
    [Fact]
    public async Task Checkpoint_commit_acknowledges_events_held_in_open_windows_and_hands_state_over()
    {
        var options = new StreamJobOptions { FlushOpenWindowsOnStop = false, ChunkSize = 2 };
        var results = new Collector<WindowResult<string, long>>();
        var definition = new JobDefinition<Ev>("move", input => input
            .WithEventTime(e => e.Time)
            .KeyBy(e => e.Key)
            .Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)), name: "counts")
            .Count()
            .ForEachAsync(results.Add));
        var source = new TestSource<Ev>();
        var first = definition.Create(source, options);
        first.Start();
        source.Add(new Ev("a", 1), 1);
        source.Add(new Ev("a", 2), 2);
        await source.SettleAsync(first);
        source.Acknowledged.ShouldBeEmpty();

        var checkpoint = await first.CheckpointAsync(TestJobs.Token());
        checkpoint.PendingChunks.ShouldBeGreaterThan(0);
        var stored = checkpoint.Snapshot.ToBytes();
        checkpoint.Commit();
        await source.SettleAsync(first);
        source.Acknowledged.Order().ShouldBe([1L, 2]);
        await first.StopAsync(TestJobs.Token());
        results.Count.ShouldBe(0);

        var next = new TestSource<Ev>();
        var second = definition.Create(next, new StreamJobOptions { ChunkSize = 2 });
        second.Restore(JobSnapshot.FromBytes(stored));
        second.Start();
        next.Add(new Ev("a", 3), 3);
        next.Complete();
        await second.Completion.WaitAsync(TestJobs.Timeout);

        results.Items.Select(r => (r.Key, r.Value)).ShouldBe([("a", 3L)]);
        next.Acknowledged.ShouldBe([3L]);
    }
}
