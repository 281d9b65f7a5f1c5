using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class ClockAndHashTests
{
    [Fact]
    public void ManualTimeProvider_fires_due_timers_only_when_advanced()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var fired = new List<DateTimeOffset>();
        using var once = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(1));
        fired.ShouldBeEmpty();
        clock.Advance(TimeSpan.FromSeconds(5));
        fired.ShouldBe([DateTimeOffset.UnixEpoch.AddSeconds(2)]);
        clock.GetUtcNow().ShouldBe(DateTimeOffset.UnixEpoch.AddSeconds(6));
    }

    [Fact]
    public async Task ManualTimeProvider_drives_Task_Delay()
    {
        var clock = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromMinutes(1), clock);
        delay.IsCompleted.ShouldBeFalse();
        clock.Advance(TimeSpan.FromMinutes(1));
        await delay.WaitAsync(TestJobs.Timeout);
    }

    [Fact]
    public void StableHash_is_fixed_across_processes_and_spreads_keys()
    {
        // The documented function (FNV-1a over UTF-16 code units, then MurmurHash3's finalizer), computed here
        // independently: a change would move keys to other partitions in a running deployment.
        StableHash.Of("urn:ngsi-ld:Sensor:1").ShouldBe(Reference("urn:ngsi-ld:Sensor:1"));
        StableHash.Of("").ShouldBe(Finalize(2166136261));
        StableHash.Of(42).ShouldBe(Finalize(42));
        var partitions = Enumerable.Range(0, 1000).Select(i => StableHash.PartitionOf($"Sensor:{i}", 8)).ToArray();
        partitions.Distinct().Count().ShouldBe(8);
        partitions.GroupBy(p => p).ShouldAllBe(g => g.Count() > 80);
        Enumerable.Range(0, 64).Select(i => StableHash.PartitionOf(i, 4)).Distinct().Count().ShouldBe(4);
    }

    private static uint Reference(string s)
    {
        var hash = 2166136261u;
        foreach (var c in s)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return Finalize(hash);
    }

    private static uint Finalize(uint h)
    {
        h ^= h >> 16;
        h = unchecked(h * 0x85ebca6b);
        h ^= h >> 13;
        h = unchecked(h * 0xc2b2ae35);
        h ^= h >> 16;
        return h;
    }

    [Fact]
    public async Task JobDefinition_runs_the_same_job_in_process_and_from_a_source()
    {
        var results = new Collector<int>();
        var definition = new JobDefinition<int>("double", input => input.Select(i => i * 2).ForEachAsync(results.Add));

        var input = definition.Create();
        input.Job.Start();
        await input.WriteAllAsync([1, 2]);
        await input.Job.RunToEndAsync();

        var source = new TestSource<int>();
        var job = definition.Create(source);
        job.Start();
        source.Add(3, 1);
        source.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);

        results.Items.ShouldBe([2, 4, 6]);
        source.Acknowledged.ShouldBe([1L]);
    }
}
