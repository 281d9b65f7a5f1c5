using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class BatchTests
{
    [Fact]
    public async Task Batch_closes_on_interval_boundaries_of_the_clock()
    {
        var job = new StreamJob("b", TestJobs.Manual(out var clock));
        var input = job.Input<int>();
        var batches = new Collector<(long Id, int[] Items, double Start, double End)>();
        input.Batch(TimeSpan.FromSeconds(5)).ForEachAsync((b, ct) => batches.Add((b.Id, b.Items.ToArray(), Ev.SecondsOf(b.Start), Ev.SecondsOf(b.End)), ct));
        job.Start();
        await job.WriteSettledAsync(input, 1, 2, 3);
        clock.Advance(TimeSpan.FromSeconds(4.9));
        await job.WhenIdleAsync(TestJobs.Token());
        batches.Count.ShouldBe(0);

        clock.Advance(TimeSpan.FromSeconds(0.1));
        await job.WhenIdleAsync(TestJobs.Token());
        await job.WriteSettledAsync(input, 4);
        clock.Advance(TimeSpan.FromSeconds(10));
        await job.WhenIdleAsync(TestJobs.Token());
        await job.RunToEndAsync();

        batches.Items.Select(b => (b.Id, string.Join(',', b.Items), b.Start, b.End)).ShouldBe([(0L, "1,2,3", 0.0, 5.0), (1L, "4", 5.0, 10.0)]);
    }

    [Fact]
    public async Task Batch_closes_at_max_count_and_flushes_the_rest_on_stop()
    {
        var job = new StreamJob("b", TestJobs.Manual(out _));
        var input = job.Input<int>();
        var batches = new Collector<int[]>();
        input.Batch(interval: null, maxCount: 4).ForEachAsync((b, ct) => batches.Add(b.Items.ToArray(), ct));
        job.Start();
        await input.WriteAllAsync(Enumerable.Range(0, 10));
        await job.RunToEndAsync();

        batches.Items.Select(b => string.Join(',', b)).ShouldBe(["0,1,2,3", "4,5,6,7", "8,9"]);
    }

    [Fact]
    public void Batch_needs_an_interval_or_a_size()
    {
        var job = new StreamJob("b");
        Should.Throw<ArgumentException>(() => job.Input<int>().Batch(null)).Message.ShouldContain("interval");
    }
}
