using System.Collections.Concurrent;
using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class ErrorPolicyTests
{
    [Fact]
    public async Task Skip_drops_failing_events_and_counts_them()
    {
        var job = new StreamJob("err", new StreamJobOptions { ChunkSize = 4 });
        var input = job.Input<int>();
        var seen = new Collector<int>();
        input.Select(i => 100 / (i % 5), onError: ErrorPolicy.Skip).ForEachAsync(seen.Add);
        job.Start();
        await input.WriteAllAsync(Enumerable.Range(1, 20));
        await job.RunToEndAsync();

        seen.Items.ShouldBe(Enumerable.Range(1, 20).Where(i => i % 5 != 0).Select(i => 100 / (i % 5)));
        job.GetStatistics("select-1").Skipped.ShouldBe(4);
    }

    [Fact]
    public async Task Retry_succeeds_within_the_allowed_attempts_and_counts_retries()
    {
        var attempts = new ConcurrentDictionary<int, int>();
        var job = new StreamJob("err");
        var input = job.Input<int>();
        var seen = new Collector<int>();
        // 7 fails on its first two attempts, then succeeds on the second retry.
        input.Select(i => i == 7 && attempts.AddOrUpdate(i, 1, (_, n) => n + 1) <= 2 ? throw new TimeoutException("flaky") : i, onError: ErrorPolicy.Fail.WithRetry(2))
            .ForEachAsync(seen.Add);
        job.Start();
        await input.WriteAllAsync([2, 7, 4]);
        await job.RunToEndAsync();

        seen.Items.ShouldBe([2, 7, 4]);
        attempts[7].ShouldBe(3);
        job.GetStatistics("select-1").Retried.ShouldBe(2);
        job.GetStatistics("select-1").Failed.ShouldBe(0);
    }

    [Fact]
    public async Task DeadLetter_hands_failing_events_to_the_handler_with_the_stage_name()
    {
        var letters = new ConcurrentQueue<DeadLetter>();
        var options = new StreamJobOptions
        {
            DeadLetterHandler = (letter, _) =>
            {
                letters.Enqueue(letter);
                return default;
            },
        };
        var job = new StreamJob("err", options);
        var input = job.Input<string>();
        var seen = new Collector<int>();
        input.Select(int.Parse, name: "parse", onError: ErrorPolicy.DeadLetter).ForEachAsync(seen.Add);
        job.Start();
        await input.WriteAllAsync(["1", "x", "3", "y"]);
        await job.RunToEndAsync();

        seen.Items.ShouldBe([1, 3]);
        letters.Select(l => l.Item).ShouldBe(["x", "y"]);
        letters.ShouldAllBe(l => l.Stage == "parse" && l.Job == "err" && l.Error is FormatException);
        job.GetStatistics("parse").DeadLettered.ShouldBe(2);
    }

    [Fact]
    public async Task Fail_stops_the_job_with_an_error_naming_the_stage()
    {
        var job = new StreamJob("err");
        var input = job.Input<int>();
        input.Select(i => i == 3 ? throw new InvalidDataException("three") : i, name: "check").ForEachAsync((_, _) => default);
        job.Start();
        await input.WriteAllAsync([1, 2, 3]);

        var error = await Should.ThrowAsync<StreamJobException>(() => job.Completion.WaitAsync(TestJobs.Timeout));
        error.Stage.ShouldBe("check");
        error.InnerException.ShouldBeOfType<InvalidDataException>();
        job.GetStatistics("check").Failed.ShouldBe(1);
    }

    [Fact]
    public async Task Async_sink_retries_with_delay_then_dead_letters()
    {
        var letters = new ConcurrentQueue<DeadLetter>();
        var calls = new ConcurrentDictionary<int, int>();
        var job = new StreamJob("err", new StreamJobOptions
        {
            DeadLetterHandler = (letter, _) =>
            {
                letters.Enqueue(letter);
                return default;
            },
        });
        var input = job.Input<int>();
        input.ForEachAsync(
            (i, _) =>
            {
                var n = calls.AddOrUpdate(i, 1, (_, c) => c + 1);
                return i == 2 || (i == 1 && n < 3) ? throw new IOException("down") : ValueTask.CompletedTask;
            },
            name: "store",
            onError: ErrorPolicy.DeadLetter.WithRetry(2, TimeSpan.FromMilliseconds(1)));
        job.Start();
        await input.WriteAllAsync([1, 2, 3]);
        await job.RunToEndAsync();

        calls[1].ShouldBe(3);
        calls[2].ShouldBe(3);
        calls[3].ShouldBe(1);
        letters.Single().Item.ShouldBe(2);
        var stats = job.GetStatistics("store");
        stats.Retried.ShouldBe(4);
        stats.DeadLettered.ShouldBe(1);
    }

    [Fact]
    public void DeadLetter_without_handler_is_refused_at_start_naming_the_operator()
    {
        var job = new StreamJob("err");
        var input = job.Input<int>();
        input.Select(i => i, name: "parse", onError: ErrorPolicy.DeadLetter).ForEachAsync((_, _) => default);

        var error = Should.Throw<InvalidOperationException>(job.Start);
        error.Message.ShouldContain("'parse'");
        error.Message.ShouldContain("DeadLetterHandler");
    }

    [Fact]
    public void Options_with_bad_values_are_refused_naming_the_option()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new StreamJob("x", new StreamJobOptions { ChunkSize = 0 })).Message.ShouldContain("ChunkSize");
        Should.Throw<ArgumentOutOfRangeException>(() => new StreamJob("x", new StreamJobOptions { StageCapacity = 0 })).Message.ShouldContain("StageCapacity");
        Should.Throw<ArgumentOutOfRangeException>(() => new StreamJob("x", new StreamJobOptions { TickInterval = TimeSpan.Zero })).Message.ShouldContain("TickInterval");
        Should.Throw<ArgumentOutOfRangeException>(() => new StreamJob("x", new StreamJobOptions { PartitionCount = 0 })).Message.ShouldContain("PartitionCount");
        Should.Throw<InvalidOperationException>(() => new StreamJob("x").Start()).Message.ShouldContain("no input");
    }

    [Fact]
    public void Duplicate_operator_names_are_refused()
    {
        var job = new StreamJob("x");
        var input = job.Input<int>();
        input.Select(i => i, name: "same");
        Should.Throw<ArgumentException>(() => input.Where(i => i > 0, name: "same")).Message.ShouldContain("same");
    }
}
