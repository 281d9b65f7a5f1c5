using System.Collections.Concurrent;
using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class AcknowledgementTests
{
    [Fact]
    public async Task Event_is_acknowledged_only_after_the_sink_wrote_it()
    {
        var source = new TestSource<int>();
        var gate = new TaskCompletionSource();
        var arrived = new TaskCompletionSource();
        var written = new ConcurrentBag<int>();
        var job = new StreamJob("ack", new StreamJobOptions { ChunkSize = 4 });
        job.From(source).Select(i => i * 10).ForEachAsync(async (v, ct) =>
        {
            arrived.TrySetResult();
            await gate.Task.WaitAsync(ct);
            written.Add(v);
        });
        source.OnAcknowledge = p => written.ShouldContain((int)p * 10);
        job.Start();
        for (var p = 1; p <= 5; p++)
        {
            source.Add(p, p);
        }

        await arrived.Task.WaitAsync(TestJobs.Timeout);
        await Task.Delay(50);
        source.Acknowledged.ShouldBeEmpty();

        gate.SetResult();
        source.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);
        source.Acknowledged.Order().ShouldBe([1L, 2, 3, 4, 5]);
        job.GetStatistics("test-source").Acknowledged.ShouldBe(5);
    }

    [Fact]
    public async Task Filtered_out_events_are_acknowledged()
    {
        var source = new TestSource<int>();
        var job = new StreamJob("ack");
        var seen = new Collector<int>();
        job.From(source).Where(i => i > 100).ForEachAsync(seen.Add);
        job.Start();
        for (var p = 0; p < 10; p++)
        {
            source.Add(p, p);
        }

        source.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);
        seen.Count.ShouldBe(0);
        source.Acknowledged.Order().ShouldBe(Enumerable.Range(0, 10).Select(i => (long)i));
    }

    [Fact]
    public async Task SelectMany_event_is_acknowledged_after_all_its_results_are_written()
    {
        var source = new TestSource<int>();
        var job = new StreamJob("ack", new StreamJobOptions { ChunkSize = 2 });
        var written = new ConcurrentDictionary<int, int>();
        job.From(source)
            .SelectMany(i => Enumerable.Range(0, 3).Select(k => i))
            .ForEachAsync(async (i, ct) =>
            {
                await Task.Yield();
                written.AddOrUpdate(i, 1, (_, n) => n + 1);
            }, parallelism: 2);
        source.OnAcknowledge = p => written.GetValueOrDefault((int)p).ShouldBe(3);
        job.Start();
        for (var p = 0; p < 20; p++)
        {
            source.Add(p, p);
        }

        source.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);
        source.Acknowledged.Count.ShouldBe(20);
    }

    [Fact]
    public async Task Windowed_events_are_acknowledged_when_their_window_is_emitted_and_written()
    {
        var source = new TestSource<Ev>();
        var job = new StreamJob("ack", new StreamJobOptions { ChunkSize = 2 });
        var results = new ConcurrentBag<WindowResult<string, long>>();
        job.From(source)
            .WithEventTime(e => e.Time)
            .KeyBy(e => e.Key)
            .Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)))
            .Count()
            .ForEachAsync((r, _) =>
            {
                results.Add(r);
                return default;
            });
        // An event is acknowledged only once the result of its window was written.
        source.OnAcknowledge = p => results.ShouldContain(r => Ev.SecondsOf(r.Start) == (p < 10 ? 0 : 10));
        job.Start();
        source.Add(new Ev("a", 1), 1);
        source.Add(new Ev("b", 2), 2);
        source.Add(new Ev("a", 5), 5);
        await source.SettleAsync(job);
        source.Acknowledged.ShouldBeEmpty();

        source.Add(new Ev("a", 12), 12);
        await source.SettleAsync(job);
        source.Acknowledged.Order().ShouldBe([1L, 2, 5]);

        source.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);
        source.Acknowledged.Order().ShouldBe([1L, 2, 5, 12]);
    }

    [Fact]
    public async Task Microbatch_events_are_acknowledged_after_the_batch_action()
    {
        var source = new TestSource<int>();
        var job = new StreamJob("ack", TestJobs.Manual(out var clock));
        var batches = new ConcurrentBag<int[]>();
        job.From(source).ForEachBatchAsync(TimeSpan.FromSeconds(5), (batch, _) =>
        {
            batches.Add(batch.Items.ToArray());
            return default;
        });
        source.OnAcknowledge = p => batches.ShouldContain(b => b.Contains((int)p));
        job.Start();
        for (var p = 0; p < 6; p++)
        {
            source.Add(p, p);
        }

        await source.SettleAsync(job);
        source.Acknowledged.ShouldBeEmpty();
        clock.Advance(TimeSpan.FromSeconds(5));
        await source.SettleAsync(job);

        batches.Single().ShouldBe([0, 1, 2, 3, 4, 5]);
        source.Acknowledged.Order().ShouldBe([0L, 1, 2, 3, 4, 5]);
        source.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);
    }

    [Fact]
    public async Task Reject_policy_rejects_the_failing_event_and_acknowledges_the_others()
    {
        var source = new TestSource<int>();
        var job = new StreamJob("ack");
        var seen = new Collector<int>();
        job.From(source)
            .Select(i => i == 3 ? throw new FormatException("bad 3") : i, onError: ErrorPolicy.Reject)
            .ForEachAsync(seen.Add);
        job.Start();
        for (var p = 0; p < 6; p++)
        {
            source.Add(p, 100 + p);
        }

        source.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);
        seen.Items.ShouldBe([0, 1, 2, 4, 5]);
        source.Rejected.Keys.ShouldBe([103L]);
        source.Rejected[103].ShouldBeOfType<FormatException>();
        source.Acknowledged.Order().ShouldBe([100L, 101, 102, 104, 105]);
        job.GetStatistics("select-1").Rejected.ShouldBe(1);
    }

    [Fact]
    public async Task Graceful_stop_stops_reading_and_acknowledges_what_was_read()
    {
        var source = new TestSource<int>();
        var job = new StreamJob("ack");
        var seen = new Collector<int>();
        job.From(source).ForEachAsync(seen.Add);
        job.Start();
        for (var p = 0; p < 10; p++)
        {
            source.Add(p, p);
        }

        await source.SettleAsync(job);
        await job.StopAsync(TestJobs.Token());
        seen.Count.ShouldBe(10);
        source.Acknowledged.Count.ShouldBe(10);
    }
}

public class BulkAcknowledgementTests
{
    private sealed class BulkSource : IStreamSource<int>
    {
        private readonly TestSource<int> _inner = new();

        public string Name => "bulk";

        public List<long[]> Bulks { get; } = [];

        public TestSource<int> Inner => _inner;

        public IAsyncEnumerable<SourceItem<int>> ReadAsync(CancellationToken cancellationToken) => _inner.ReadAsync(cancellationToken);

        public ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken) => throw new InvalidOperationException("bulk only");

        public ValueTask AcknowledgeManyAsync(ReadOnlyMemory<long> positions, CancellationToken cancellationToken)
        {
            lock (Bulks)
            {
                Bulks.Add(positions.ToArray());
            }

            return default;
        }

        public ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken) => default;
    }

    [Fact]
    public async Task Source_overriding_AcknowledgeManyAsync_gets_whole_chunks()
    {
        var source = new BulkSource();
        var job = new StreamJob("bulk", new StreamJobOptions { ChunkSize = 4 });
        job.From(source).ForEachAsync((_, _) => default);
        for (var p = 0; p < 10; p++)
        {
            source.Inner.Add(p, p);
        }

        job.Start();
        source.Inner.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);

        source.Bulks.SelectMany(b => b).Order().ShouldBe(Enumerable.Range(0, 10).Select(i => (long)i));
        source.Bulks.ShouldAllBe(b => b.Length >= 1 && b.Length <= 4);
        job.GetStatistics("bulk").Acknowledged.ShouldBe(10);
    }
}

public class SourceEndTests
{
    [Fact]
    public async Task StopAsync_after_the_source_ended_completes_quietly()
    {
        var source = new TestSource<int>();
        var job = new StreamJob("end");
        var seen = new Collector<int>();
        job.From(source).ForEachAsync(seen.Add);
        job.Start();
        source.Add(1, 1);
        source.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);

        await job.StopAsync(TestJobs.Token());
        seen.Items.ShouldBe([1]);
    }
}

public class FailingSourceTests
{
    private sealed class BrokenSource : IStreamSource<int>
    {
        public string Name => "broken";

        public async IAsyncEnumerable<SourceItem<int>> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new SourceItem<int>(1, 1);
            await Task.Yield();
            throw new IOException("connection lost");
        }

        public ValueTask AcknowledgeAsync(long position, CancellationToken cancellationToken) => default;

        public ValueTask RejectAsync(long position, Exception error, CancellationToken cancellationToken) => default;
    }

    [Fact]
    public async Task Source_failure_fails_the_job_naming_the_source()
    {
        var job = new StreamJob("broken-job");
        job.From(new BrokenSource()).ForEachAsync((_, _) => default);
        job.Start();

        var error = await Should.ThrowAsync<StreamJobException>(() => job.Completion.WaitAsync(TestJobs.Timeout));
        error.Stage.ShouldBe("broken");
        error.InnerException.ShouldBeOfType<IOException>();
    }
}
