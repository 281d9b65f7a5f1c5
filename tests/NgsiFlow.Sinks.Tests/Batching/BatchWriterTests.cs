using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Sinks.Internal;
using NgsiFlow.Sinks.Tests.Infrastructure;

namespace NgsiFlow.Sinks.Tests.Batching;

/// <summary>The group-commit mechanics shared by every sink, with a scripted in-process destination.</summary>
public sealed class BatchWriterTests
{
    private readonly string _name = "bw-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task EnqueueAsync_transientFailuresThenSuccess_writesTheBatchOnceAfterRetries()
    {
        var destination = new ScriptedTransport { TransientFailuresLeft = 3 };
        using var metrics = new MetricsRecorder(_name);
        await using (var writer = Create(destination, maxBatchSize: 10))
        {
            await writer.EnqueueAsync([1, 2, 3], CancellationToken.None);
        }

        destination.Written.ShouldBe([[1, 2, 3]]);
        destination.Attempts.ShouldBe(4);
        metrics[SinkMetrics.Retries].ShouldBe(3);
        metrics[SinkMetrics.BatchesWritten].ShouldBe(1);
    }

    [Fact]
    public async Task EnqueueAsync_destinationDownThroughEveryRetry_throwsTransientSinkWriteExceptionWithAttempts()
    {
        var destination = new ScriptedTransport { TransientFailuresLeft = int.MaxValue };
        await using var writer = Create(destination, maxBatchSize: 10, retries: 2);

        var error = await Should.ThrowAsync<SinkWriteException>(() => writer.EnqueueAsync([1], CancellationToken.None));

        error.IsTransient.ShouldBeTrue();
        error.Attempts.ShouldBe(3);
        error.Message.ShouldContain("still failing after 3 attempt(s)");
        error.Message.ShouldContain("scripted outage");
    }

    [Fact]
    public async Task EnqueueAsync_secondBatchOfALargeWriteFails_failsThatWriteAndLaterWritesStillGoThrough()
    {
        var destination = new ScriptedTransport { PermanentFailureOn = 15 };
        await using var writer = Create(destination, maxBatchSize: 10);

        var large = writer.EnqueueAsync(Enumerable.Range(0, 25).ToList(), CancellationToken.None);
        var error = await Should.ThrowAsync<SinkWriteException>(() => large);
        await writer.EnqueueAsync([100, 101], CancellationToken.None);

        error.IsTransient.ShouldBeFalse();
        error.Attempts.ShouldBe(1);
        // The first 10 were written; the batch holding 15 failed; the rest of that write was not sent.
        destination.Written.ShouldBe([Enumerable.Range(0, 10).ToList(), [100, 101]]);
    }

    [Fact]
    public async Task EnqueueAsync_concurrentWritersDuringASlowBatch_areCoalescedInArrivalOrder()
    {
        var destination = new ScriptedTransport { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var writer = Create(destination, maxBatchSize: 100);

        var first = writer.EnqueueAsync([0], CancellationToken.None);
        await destination.FirstAttemptStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var queued = Enumerable.Range(1, 5).Select(i => writer.EnqueueAsync([i], CancellationToken.None)).ToList();
        destination.Gate.SetResult();
        await Task.WhenAll([first, .. queued]);

        destination.Written.ShouldBe([[0], [1, 2, 3, 4, 5]]);
    }

    [Fact]
    public async Task DisposeAsync_thenEnqueue_isRefused()
    {
        var writer = Create(new ScriptedTransport(), maxBatchSize: 10);
        await writer.DisposeAsync();

        Should.Throw<ObjectDisposedException>(() => writer.EnqueueAsync([1], CancellationToken.None));
    }

    private BatchWriter<int> Create(ScriptedTransport destination, int maxBatchSize, int retries = 5) =>
        new(destination, new TestOptions
        {
            MaxBatchSize = maxBatchSize,
            Retry = new SinkRetryOptions { MaxRetryAttempts = retries, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) },
        }, _name, NullLogger.Instance);

    private sealed class TestOptions : SinkOptions;

    private sealed class TransientException(string message) : Exception(message);

    private sealed class ScriptedTransport : SinkTransport<int>
    {
        public List<List<int>> Written { get; } = [];

        public int TransientFailuresLeft { get; set; }

        public int? PermanentFailureOn { get; set; }

        public int Attempts { get; private set; }

        public TaskCompletionSource? Gate { get; init; }

        public TaskCompletionSource FirstAttemptStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override string SinkType => "Scripted";

        public override string MetricType => "scripted";

        public override string Target => "memory";

        public override async ValueTask WriteAsync(OutgoingBatch<int> batch, CancellationToken cancellationToken)
        {
            Attempts++;
            FirstAttemptStarted.TrySetResult();
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            if (TransientFailuresLeft > 0)
            {
                TransientFailuresLeft--;
                throw new TransientException("scripted outage");
            }

            if (PermanentFailureOn is { } bad && batch.Records.Contains(bad))
            {
                throw new InvalidOperationException($"record {bad} refused");
            }

            Written.Add([.. batch.Records]);
        }

        public override bool IsTransient(Exception exception) => exception is TransientException;
    }
}
