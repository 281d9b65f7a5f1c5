using NgsiFlow.Engine;
using NgsiFlow.Sinks.Tests.Infrastructure;

namespace NgsiFlow.Sinks.Tests.Compliance;

/// <summary>
/// What every sink must do, checked against its real server: keep the order, batch by size and linger, retry
/// transient failures, fail clearly on permanent ones, flush at stop, and complete a write only once the server
/// has the data. One subclass per sink supplies how to create it, how to read back, and how to break it.
/// </summary>
/// <remarks>Each subclass sends its traffic through a <see cref="FaultProxy"/> so that tests can cut or hold it.</remarks>
public abstract class SinkComplianceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A scope unique to the test (a measurement, table or queue).</summary>
    protected string Scope { get; } = "c" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The proxy the sink under test connects through; created by <see cref="InitializeAsync"/>.</summary>
    internal FaultProxy Proxy { get; private set; } = null!;

    /// <summary>The server's real port, behind the proxy.</summary>
    protected abstract int ServerPort { get; }

    /// <summary>The metric tag <c>sink.type</c> and the <see cref="SinkWriteException.SinkType"/> expected.</summary>
    protected abstract string ExpectedSinkType { get; }

    /// <summary>Prepares <see cref="Scope"/> on the server (a queue to receive messages, say).</summary>
    protected virtual Task PrepareScopeAsync() => Task.CompletedTask;

    /// <summary>A sink writing into <see cref="Scope"/> through the proxy on <paramref name="proxyPort"/>.</summary>
    protected abstract IStreamSink<SinkEvent> CreateSink(SinkTestSettings settings, int proxyPort);

    /// <summary>What the server holds in <see cref="Scope"/>, in the server's order, read directly (not via the proxy).</summary>
    protected abstract Task<IReadOnlyList<SinkEvent>> ReadBackAsync();

    /// <summary>A sink whose destination refuses for good (unknown database, unknown exchange...).</summary>
    protected abstract IStreamSink<SinkEvent> CreateMisconfiguredSink(SinkTestSettings settings);

    /// <summary>Text the permanent failure's target must contain (the database, table or exchange).</summary>
    protected abstract string MisconfiguredTarget { get; }

    /// <summary>Text the permanent failure's cause must contain (the server's explanation).</summary>
    protected abstract string MisconfiguredCause { get; }

    public async Task InitializeAsync()
    {
        Proxy = new FaultProxy(ServerPort);
        await PrepareScopeAsync();
    }

    public async Task DisposeAsync() => await Proxy.DisposeAsync();

    [Fact]
    public async Task WriteAsync_manyWritesAcrossBatches_serverHasThemInStreamOrder()
    {
        var settings = new SinkTestSettings(Name(), MaxBatchSize: 40);
        var events = SinkEvent.Range(0, 250);
        await using (var sink = CreateSink(settings, Proxy.Port))
        {
            foreach (var chunk in events.Chunk(30))
            {
                await sink.WriteAsync(chunk, CancellationToken.None);
            }
        }

        (await ReadBackAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task WriteAsync_writeLargerThanMaxBatchSize_isSentInBatchesOfAtMostThatSize()
    {
        var settings = new SinkTestSettings(Name(), MaxBatchSize: 30);
        using var metrics = new MetricsRecorder(settings.Name);
        await using (var sink = CreateSink(settings, Proxy.Port))
        {
            await sink.WriteAsync(SinkEvent.Range(0, 100), CancellationToken.None);
        }

        metrics[SinkMetrics.BatchesWritten].ShouldBe(4);
        metrics[SinkMetrics.RecordsWritten].ShouldBe(100);
        (await ReadBackAsync()).Count.ShouldBe(100);
    }

    [Fact]
    public async Task WriteAsync_concurrentSmallWritesWithinLinger_areCoalescedIntoFewerBatches()
    {
        var settings = new SinkTestSettings(Name(), MaxBatchSize: 1000, Linger: TimeSpan.FromMilliseconds(500));
        using var metrics = new MetricsRecorder(settings.Name);
        var events = SinkEvent.Range(0, 20);
        await using (var sink = CreateSink(settings, Proxy.Port))
        {
            await Task.WhenAll(events.Select(e => sink.WriteAsync(new[] { e }, CancellationToken.None).AsTask()));
        }

        metrics[SinkMetrics.RecordsWritten].ShouldBe(20);
        metrics[SinkMetrics.BatchesWritten].ShouldBeLessThan(20);
        (await ReadBackAsync()).OrderBy(e => e.Sequence).ShouldBe(events);
    }

    [Fact]
    public async Task WriteAsync_serverUnreachableForAWhile_retriesWithBackoffAndWritesEverything()
    {
        var settings = new SinkTestSettings(Name(), MaxBatchSize: 50);
        using var metrics = new MetricsRecorder(settings.Name);
        var events = SinkEvent.Range(0, 120);
        await using var sink = CreateSink(settings, Proxy.Port);
        await sink.WriteAsync(events[..10], CancellationToken.None);

        Proxy.Refuse();
        var write = sink.WriteAsync(events[10..], CancellationToken.None).AsTask();
        await metrics.WaitUntilAsync(SinkMetrics.Retries, 2, Patience, write);
        write.IsCompleted.ShouldBeFalse();
        (await ReadBackAsync()).Count.ShouldBe(10);

        Proxy.Forward();
        await write.WaitAsync(Patience);
        (await ReadBackAsync()).ShouldBe(events);
        metrics[SinkMetrics.Failures].ShouldBe(0);
    }

    [Fact]
    public async Task WriteAsync_destinationRefusesForGood_throwsSinkWriteExceptionNamingSinkTargetAndCause()
    {
        var settings = new SinkTestSettings(Name());
        using var metrics = new MetricsRecorder(settings.Name);
        await using var sink = CreateMisconfiguredSink(settings);

        var error = await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(SinkEvent.Range(0, 3), CancellationToken.None).AsTask().WaitAsync(Patience));

        error.SinkName.ShouldBe(settings.Name);
        error.SinkType.ShouldBe(ExpectedSinkType);
        error.IsTransient.ShouldBeFalse();
        error.Attempts.ShouldBe(1);
        error.Target.ShouldContain(MisconfiguredTarget);
        error.Message.ShouldContain(settings.Name);
        error.Message.ShouldContain(MisconfiguredTarget);
        error.Message.ShouldContain(MisconfiguredCause, Case.Insensitive);
        metrics[SinkMetrics.Failures].ShouldBe(1);
        metrics[SinkMetrics.Retries].ShouldBe(0);
    }

    [Fact]
    public async Task FlushAsync_writeWaitingForLinger_isSentAndAcknowledged()
    {
        var settings = new SinkTestSettings(Name(), MaxBatchSize: 1000, Linger: TimeSpan.FromHours(1));
        var events = SinkEvent.Range(0, 15);
        await using var sink = CreateSink(settings, Proxy.Port);

        var write = sink.WriteAsync(events, CancellationToken.None).AsTask();
        await Task.Delay(300);
        write.IsCompleted.ShouldBeFalse();
        (await ReadBackAsync()).ShouldBeEmpty();

        await sink.FlushAsync(CancellationToken.None).AsTask().WaitAsync(Patience);
        write.IsCompletedSuccessfully.ShouldBeTrue();
        (await ReadBackAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task DisposeAsync_writeWaitingForLinger_isWrittenBeforeTheSinkStops()
    {
        var settings = new SinkTestSettings(Name(), MaxBatchSize: 1000, Linger: TimeSpan.FromHours(1));
        var events = SinkEvent.Range(0, 15);
        var sink = CreateSink(settings, Proxy.Port);
        var write = sink.WriteAsync(events, CancellationToken.None).AsTask();
        await Task.Delay(300);
        write.IsCompleted.ShouldBeFalse();

        await sink.DisposeAsync().AsTask().WaitAsync(Patience);

        write.IsCompletedSuccessfully.ShouldBeTrue();
        (await ReadBackAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task WriteAsync_serverHoldsTheRequest_completesOnlyAfterTheServerHasTheData()
    {
        var settings = new SinkTestSettings(Name());
        var events = SinkEvent.Range(0, 25);
        await using var sink = CreateSink(settings, Proxy.Port);

        Proxy.Hold();
        var write = sink.WriteAsync(events, CancellationToken.None).AsTask();
        await Task.Delay(700);
        write.IsCompleted.ShouldBeFalse();
        (await ReadBackAsync()).ShouldBeEmpty();

        Proxy.Forward();
        await write.WaitAsync(Patience);
        (await ReadBackAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task WriteAsync_callerCancelsWhileServerHolds_throwsCanceledAndTheSinkKeepsWorking()
    {
        var settings = new SinkTestSettings(Name());
        await using var sink = CreateSink(settings, Proxy.Port);
        using var cancel = new CancellationTokenSource();

        Proxy.Hold();
        var write = sink.WriteAsync(SinkEvent.Range(0, 5), cancel.Token).AsTask();
        await Task.Delay(200);
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => write.WaitAsync(Patience));

        Proxy.Forward();
        await sink.WriteAsync(SinkEvent.Range(5, 5), CancellationToken.None).AsTask().WaitAsync(Patience);

        // The cancelled caller stopped waiting, but records already handed over are still delivered, in order.
        (await ReadBackAsync()).ShouldBe(SinkEvent.Range(0, 10));
    }

    [Fact]
    public async Task WriteAsync_emptyBatch_completesWithoutContactingTheServer()
    {
        var settings = new SinkTestSettings(Name());
        using var metrics = new MetricsRecorder(settings.Name);
        await using var sink = CreateSink(settings, Proxy.Port);

        await sink.WriteAsync(ReadOnlyMemory<SinkEvent>.Empty, CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        metrics[SinkMetrics.BatchesWritten].ShouldBe(0);
        Proxy.ConnectionsAccepted.ShouldBe(0);
    }

    private string Name() => $"{ExpectedSinkType.ToLowerInvariant()}-{Scope}";
}
