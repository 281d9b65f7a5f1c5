using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class StatelessOperatorTests
{
    [Fact]
    public async Task SelectWhere_many_chunks_results_in_order()
    {
        var job = new StreamJob("t", new StreamJobOptions { ChunkSize = 7 });
        var input = job.Input<int>(capacity: 50);
        var seen = new Collector<string>();
        input.Select(i => i * 3).Where(i => i % 2 == 0).Select(i => $"v{i}").ForEachAsync(seen.Add);
        job.Start();
        await input.WriteAllAsync(Enumerable.Range(0, 1000));
        await job.RunToEndAsync();

        var expected = Enumerable.Range(0, 1000).Select(i => i * 3).Where(i => i % 2 == 0).Select(i => $"v{i}");
        seen.Items.ShouldBe(expected);
        job.GetStatistics("where-1").EventsIn.ShouldBe(1000);
        job.GetStatistics("where-1").EventsOut.ShouldBe(500);
    }

    [Fact]
    public async Task SelectMany_expands_and_drops_empty()
    {
        var job = new StreamJob("t", new StreamJobOptions { ChunkSize = 3 });
        var input = job.Input<int>();
        var seen = new Collector<int>();
        input.SelectMany(i => Enumerable.Repeat(i, i % 4)).ForEachAsync(seen.Add);
        job.Start();
        await input.WriteAllAsync(Enumerable.Range(0, 20));
        await job.RunToEndAsync();

        seen.Items.ShouldBe(Enumerable.Range(0, 20).SelectMany(i => Enumerable.Repeat(i, i % 4)));
    }

    [Fact]
    public async Task Split_routes_to_side_output_and_merge_unites()
    {
        var job = new StreamJob("t", new StreamJobOptions { ChunkSize = 5 });
        var input = job.Input<int>();
        var evens = new Collector<int>();
        var odds = new Collector<int>();
        var all = new Collector<int>();
        var main = input.Split(i => i % 2 == 1, out var side);
        main.ForEachAsync(evens.Add);
        side.ForEachAsync(odds.Add);
        main.Merge(side).ForEachAsync(all.Add);
        job.Start();
        await input.WriteAllAsync(Enumerable.Range(0, 101));
        await job.RunToEndAsync();

        evens.Items.ShouldBe(Enumerable.Range(0, 101).Where(i => i % 2 == 0));
        odds.Items.ShouldBe(Enumerable.Range(0, 101).Where(i => i % 2 == 1));
        all.Items.Order().ShouldBe(Enumerable.Range(0, 101));
    }

    [Fact]
    public async Task Merge_of_two_inputs_completes_after_both()
    {
        var job = new StreamJob("t");
        var a = job.Input<int>();
        var b = job.Input<int>();
        var all = new Collector<int>();
        job.Merge<int>(a, b).Select(i => i + 1).ForEachAsync(all.Add);
        job.Start();
        await a.WriteAllAsync(Enumerable.Range(0, 10));
        a.Complete();
        await b.WriteAllAsync(Enumerable.Range(100, 10));
        await job.WhenIdleAsync(TestJobs.Token());
        job.Completion.IsCompleted.ShouldBeFalse();
        b.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);

        all.Items.Order().ShouldBe(Enumerable.Range(1, 10).Concat(Enumerable.Range(101, 10)));
    }

    [Fact]
    public async Task ForEachBatchAsync_receives_chunks_of_at_most_chunk_size()
    {
        var job = new StreamJob("t", new StreamJobOptions { ChunkSize = 16 });
        var input = job.Input<int>();
        var sizes = new Collector<int>();
        var items = new Collector<int>();
        input.ForEachBatchAsync(async (batch, ct) =>
        {
            await sizes.Add(batch.Length, ct);
            foreach (var i in batch.ToArray())
            {
                await items.Add(i, ct);
            }
        });
        job.Start();
        await input.WriteAllAsync(Enumerable.Range(0, 200));
        await job.RunToEndAsync();

        items.Items.ShouldBe(Enumerable.Range(0, 200));
        sizes.Items.ShouldAllBe(s => s >= 1 && s <= 16);
    }

    [Fact]
    public async Task From_async_sequence_runs_to_its_end()
    {
        static async IAsyncEnumerable<int> Numbers()
        {
            for (var i = 0; i < 50; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }

        var job = new StreamJob("t");
        var seen = new Collector<int>();
        job.From(Numbers()).Where(i => i > 9).ForEachAsync(seen.Add);
        job.Start();
        await job.Completion.WaitAsync(TestJobs.Timeout);

        seen.Items.ShouldBe(Enumerable.Range(10, 40));
    }

    [Fact]
    public async Task From_channel_runs_until_channel_completes()
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<int>(10);
        var job = new StreamJob("t");
        var seen = new Collector<int>();
        job.From(channel.Reader).ForEachAsync(seen.Add);
        job.Start();
        for (var i = 0; i < 100; i++)
        {
            await channel.Writer.WriteAsync(i);
        }

        channel.Writer.Complete();
        await job.Completion.WaitAsync(TestJobs.Timeout);
        seen.Items.ShouldBe(Enumerable.Range(0, 100));
    }
}

public class ParallelTests
{
    [Fact]
    public async Task Parallel_runs_the_following_operators_in_lanes_and_loses_nothing()
    {
        var job = new StreamJob("par", new StreamJobOptions { ChunkSize = 8 });
        var input = job.Input<int>();
        var running = 0;
        var overlapped = 0;
        var waited = 0;
        var seen = new Collector<int>();
        input.Parallel(3)
            .Select(i =>
            {
                if (Interlocked.Increment(ref running) > 1)
                {
                    Interlocked.Exchange(ref overlapped, 1);
                }
                else if (Interlocked.Exchange(ref waited, 1) == 0)
                {
                    // Once, hold this lane until another lane is inside too: lanes that really run side by side meet
                    // here whatever the machine's load; serialised lanes never do, and the assertion below fails.
                    if (SpinWait.SpinUntil(() => Volatile.Read(ref running) > 1, TimeSpan.FromSeconds(10)))
                    {
                        Interlocked.Exchange(ref overlapped, 1);
                    }
                }

                Thread.SpinWait(2000);
                Interlocked.Decrement(ref running);
                return i * 2;
            })
            .ForEachAsync(seen.Add);
        job.Start();
        await input.WriteAllAsync(Enumerable.Range(0, 3000));
        await job.RunToEndAsync();

        seen.Items.Order().ShouldBe(Enumerable.Range(0, 3000).Select(i => i * 2));
        job.GetStatistics("select-1").EventsIn.ShouldBe(3000);
        overlapped.ShouldBe(1);
    }
}

public class AsyncEnumerableTests
{
    [Fact]
    public async Task ToAsyncEnumerable_yields_results_and_ends_with_the_job()
    {
        var job = new StreamJob("read", new StreamJobOptions { ChunkSize = 4 });
        var input = job.Input<int>();
        var results = input.Select(i => i * i).ToAsyncEnumerable(capacity: 3);
        job.Start();
        var writer = Task.Run(async () =>
        {
            await input.WriteAllAsync(Enumerable.Range(0, 50));
            input.Complete();
        });

        var seen = new List<int>();
        await foreach (var value in results.WithCancellation(TestJobs.Token()))
        {
            seen.Add(value);
        }

        await writer;
        seen.ShouldBe(Enumerable.Range(0, 50).Select(i => i * i));
    }

    [Fact]
    public async Task ToAsyncEnumerable_ends_with_the_error_when_the_job_fails()
    {
        var job = new StreamJob("read");
        var input = job.Input<int>();
        var results = input.Select(i => i == 2 ? throw new InvalidDataException("two") : i).ToAsyncEnumerable();
        job.Start();
        await input.WriteAllAsync([1, 2]);

        await Should.ThrowAsync<StreamJobException>(async () =>
        {
            await foreach (var _ in results.WithCancellation(TestJobs.Token()))
            {
            }
        });
    }
}
