using System.Collections.Concurrent;
using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class FlowControlTests
{
    [Fact]
    public async Task Slow_sink_slows_the_writer_and_in_flight_events_stay_within_capacities()
    {
        const int inputCapacity = 8;
        const int chunkSize = 4;
        const int stageCapacity = 2;
        const int total = 500;
        var job = new StreamJob("bp", new StreamJobOptions { ChunkSize = chunkSize, StageCapacity = stageCapacity });
        var input = job.Input<int>(inputCapacity);
        var gate = new SemaphoreSlim(0);
        long accepted = 0;
        long processed = 0;
        long maxInFlight = 0;
        input.Select(i => i + 1).ForEachAsync(async (_, ct) =>
        {
            await gate.WaitAsync(ct);
            var inFlight = Interlocked.Read(ref accepted) - Interlocked.Increment(ref processed) + 1;
            InterlockedMax(ref maxInFlight, inFlight);
        });
        job.Start();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                await input.WriteAsync(i, TestJobs.Token());
                Interlocked.Increment(ref accepted);
            }

            input.Complete();
        });

        // With the sink stopped, the writer fills the input and the stage channels, then waits.
        while (input.Count < inputCapacity)
        {
            await Task.Delay(1);
        }

        await Task.Delay(50);
        writer.IsCompleted.ShouldBeFalse();

        // Input + the sink stage's channel + one chunk in the input stage's hands + one in the sink's.
        var bound = inputCapacity + (chunkSize * (stageCapacity + 2));
        Interlocked.Read(ref accepted).ShouldBeLessThanOrEqualTo(bound);

        gate.Release(total);
        await writer.WaitAsync(TestJobs.Timeout);
        await job.Completion.WaitAsync(TestJobs.Timeout);
        processed.ShouldBe(total);
        maxInFlight.ShouldBeLessThanOrEqualTo(bound);
    }

    [Fact]
    public async Task WriteAsync_on_a_full_input_is_cancelled_by_the_token_and_the_event_is_not_accepted()
    {
        var job = new StreamJob("bp", new StreamJobOptions { ChunkSize = 2 });
        var input = job.Input<int>(capacity: 2);
        var seen = new Collector<int>();
        input.ForEachAsync(seen.Add);

        // Not started: nothing drains the input.
        input.TryWrite(1).ShouldBeTrue();
        input.TryWrite(2).ShouldBeTrue();
        input.TryWrite(3).ShouldBeFalse();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        await Should.ThrowAsync<OperationCanceledException>(async () => await input.WriteAsync(3, timeout.Token));

        job.Start();
        await job.RunToEndAsync();
        seen.Items.ShouldBe([1, 2]);
    }

    [Fact]
    public async Task StopAsync_drains_everything_accepted_before_completing()
    {
        var job = new StreamJob("drain", new StreamJobOptions { ChunkSize = 8 });
        var input = job.Input<int>(capacity: 1000);
        var seen = new Collector<int>();
        input.ForEachAsync(async (i, ct) =>
        {
            await Task.Yield();
            await seen.Add(i, ct);
        });
        for (var i = 0; i < 1000; i++)
        {
            input.TryWrite(i).ShouldBeTrue();
        }

        job.Start();
        await job.StopAsync(TestJobs.Token());
        seen.Items.ShouldBe(Enumerable.Range(0, 1000));
        input.TryWrite(5).ShouldBeFalse();
        await Should.ThrowAsync<InvalidOperationException>(async () => await input.WriteAsync(5, TestJobs.Token()));
    }

    [Fact]
    public async Task Cancel_stops_at_once_and_completion_is_cancelled()
    {
        var job = new StreamJob("cancel", new StreamJobOptions { ChunkSize = 2 });
        var input = job.Input<int>(capacity: 4);
        var started = new TaskCompletionSource();
        input.ForEachAsync(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        job.Start();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await input.WriteAsync(i, TestJobs.Token());
            }
        });
        await started.Task.WaitAsync(TestJobs.Timeout);
        job.Cancel();

        await Should.ThrowAsync<OperationCanceledException>(() => job.Completion.WaitAsync(TestJobs.Timeout));
        job.Completion.IsCanceled.ShouldBeTrue();

        // A writer waiting on the stopped job is released with an error rather than left hanging.
        await Should.ThrowAsync<InvalidOperationException>(() => writer.WaitAsync(TestJobs.Timeout));
    }

    [Fact]
    public async Task StopAsync_with_cancelled_token_turns_into_a_hard_stop()
    {
        var job = new StreamJob("cancel");
        var input = job.Input<int>();
        var started = new TaskCompletionSource();
        input.ForEachAsync(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        job.Start();
        await input.WriteAsync(1, TestJobs.Token());
        await started.Task.WaitAsync(TestJobs.Timeout);
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));

        await Should.ThrowAsync<OperationCanceledException>(() => job.StopAsync(soon.Token).WaitAsync(TestJobs.Timeout));
    }

    [Fact]
    public async Task Per_key_order_is_kept_with_parallel_lanes()
    {
        const int keys = 13;
        const int perKey = 200;
        var job = new StreamJob("order", new StreamJobOptions { ChunkSize = 16 });
        var input = job.Input<(int Key, int Seq)>();
        var seen = new ConcurrentDictionary<int, ConcurrentQueue<int>>();
        var running = 0;
        var maxRunning = 0;
        input.KeyBy(e => e.Key, parallelism: 4)
            .Select(e => (e.Key, e.Seq))
            .KeyBy(e => e.Key)
            .ForEachAsync(async (e, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                if (e.Seq % 50 == 0)
                {
                    await Task.Delay(1, ct);
                }

                seen.GetOrAdd(e.Key, _ => new ConcurrentQueue<int>()).Enqueue(e.Seq);
                Interlocked.Decrement(ref running);
            }, parallelism: 3);
        job.Start();
        for (var seq = 0; seq < perKey; seq++)
        {
            for (var key = 0; key < keys; key++)
            {
                await input.WriteAsync((key, seq), TestJobs.Token());
            }
        }

        await job.RunToEndAsync();
        seen.Count.ShouldBe(keys);
        foreach (var (_, sequence) in seen)
        {
            sequence.ShouldBe(Enumerable.Range(0, perKey));
        }

        maxRunning.ShouldBeGreaterThan(1);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

public class InputBatchTests
{
    [Fact]
    public async Task WriteAllAsync_accepts_all_or_nothing()
    {
        var job = new StreamJob("all", new StreamJobOptions { ChunkSize = 2 });
        var input = job.Input<int>(capacity: 5);
        var seen = new Collector<int>();
        input.ForEachAsync(seen.Add);

        await input.WriteAllAsync(new[] { 1, 2, 3 }, TestJobs.Token());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        await Should.ThrowAsync<OperationCanceledException>(async () => await input.WriteAllAsync(new[] { 4, 5, 6 }, timeout.Token));
        input.Count.ShouldBe(3);

        job.Start();
        await input.WriteAllAsync(new[] { 7, 8, 9, 10, 11, 12, 13 }, TestJobs.Token());
        await job.RunToEndAsync();
        seen.Items.ShouldBe([1, 2, 3, 7, 8, 9, 10, 11, 12, 13]);
    }
}
