using System.Text;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.RabbitMq;
using NgsiFlow.Sinks.Tests.Infrastructure;
using NgsiFlow.Testing;
using RabbitMQ.Client;

namespace NgsiFlow.Sinks.Tests.RabbitMq;

/// <summary>The RabbitMQ queue and stream sources against the real broker.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqSourceTests(RabbitMqFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _queue = "s" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task ReadAsync_acknowledgedMessages_leaveTheQueueInPublishOrder()
    {
        await RabbitMqTestClient.DeclareQueueAsync(fixture.Server.Uri, _queue);
        await PublishAsync(_queue, "0", "1", "2", "3", "4");
        await using var source = new RabbitMqQueueSource<string>(Options(), Text);

        var values = new List<string>();
        using var cts = new CancellationTokenSource(Patience);
        await foreach (var item in source.ReadAsync(cts.Token))
        {
            values.Add(item.Value);
            await source.AcknowledgeAsync(item.Position, CancellationToken.None);
            if (values.Count == 5)
            {
                break;
            }
        }

        values.ShouldBe(["0", "1", "2", "3", "4"]);
        await source.DisposeAsync();
        (await RabbitMqTestClient.CountAsync(fixture.Server.Uri, _queue)).ShouldBe(0u);
    }

    [Fact]
    public async Task ReadAsync_prefetch_limitsUnacknowledgedDeliveries()
    {
        await RabbitMqTestClient.DeclareQueueAsync(fixture.Server.Uri, _queue);
        await PublishAsync(_queue, Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var options = Options();
        options.Prefetch = 3;
        await using var source = new RabbitMqQueueSource<string>(options, Text);

        await using var reader = source.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        var held = new List<SourceItem<string>>();
        for (var i = 0; i < 3; i++)
        {
            (await reader.MoveNextAsync()).ShouldBeTrue();
            held.Add(reader.Current);
        }

        await Task.Delay(300);
        QueueCounts().ShouldBe((Ready: 7, Unacked: 3));

        await source.AcknowledgeAsync(held[0].Position, CancellationToken.None);
        (await reader.MoveNextAsync()).ShouldBeTrue();
        reader.Current.Value.ShouldBe("3");
    }

    [Fact]
    public async Task RejectAsync_withDeadLetterQueue_movesTheMessageThereWithItsDeathRecord()
    {
        var options = Options();
        options.DeclareQueue = true;
        options.DeadLetterExchange = $"{_queue}.dlx";
        options.DeadLetterQueue = $"{_queue}.dead";
        await using var source = new RabbitMqQueueSource<string>(options, Text);
        await using var reader = source.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        var move = reader.MoveNextAsync().AsTask();
        await WaitForConsumerAsync();
        await PublishAsync(_queue, "poison", "fine");

        (await move.WaitAsync(Patience)).ShouldBeTrue();
        await source.RejectAsync(reader.Current.Position, new InvalidOperationException("model failed"), CancellationToken.None);
        (await reader.MoveNextAsync()).ShouldBeTrue();
        await source.AcknowledgeAsync(reader.Current.Position, CancellationToken.None);

        var dead = await PollAsync($"{_queue}.dead", 1);
        Encoding.UTF8.GetString(dead.Single().Body.Span).ShouldBe("poison");
        dead.Single().BasicProperties.Headers!.ShouldContainKey("x-death");
    }

    [Fact]
    public async Task ReadAsync_undeserializableMessageWithReject_deadLettersItAndKeepsReading()
    {
        var options = Options();
        options.DeclareQueue = true;
        options.DeadLetterExchange = $"{_queue}.dlx";
        options.DeadLetterQueue = $"{_queue}.dead";
        using var metrics = new MetricsRecorder(_queue);
        await using var source = new RabbitMqQueueSource<int>(options, d => int.Parse(Encoding.UTF8.GetString(d.Body.Span), System.Globalization.CultureInfo.InvariantCulture));
        await using var reader = source.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        var move = reader.MoveNextAsync().AsTask();
        await WaitForConsumerAsync();
        await PublishAsync(_queue, "not a number", "42");

        (await move.WaitAsync(Patience)).ShouldBeTrue();
        reader.Current.Value.ShouldBe(42);
        Encoding.UTF8.GetString((await PollAsync($"{_queue}.dead", 1)).Single().Body.Span).ShouldBe("not a number");
        metrics[SinkMetrics.SourceRecordsRejected].ShouldBe(1);
    }

    [Fact]
    public async Task ReadAsync_undeserializableMessageWithStop_failsNamingQueueAndLeavesTheMessageQueued()
    {
        await RabbitMqTestClient.DeclareQueueAsync(fixture.Server.Uri, _queue);
        await PublishAsync(_queue, "not a number");
        var options = Options();
        options.OnBadRecord = BadRecordHandling.Stop;
        await using var source = new RabbitMqQueueSource<int>(options, d => int.Parse(Encoding.UTF8.GetString(d.Body.Span), System.Globalization.CultureInfo.InvariantCulture));

        var error = await Should.ThrowAsync<SourceReadException>(async () =>
        {
            await foreach (var _ in source.ReadAsync(CancellationToken.None).WithCancellation(new CancellationTokenSource(Patience).Token))
            {
            }
        });

        error.Message.ShouldContain($"queue '{_queue}'");
        error.Message.ShouldContain("could not be deserialized");
        await source.DisposeAsync();
        (await RabbitMqTestClient.CountAsync(fixture.Server.Uri, _queue)).ShouldBe(1u);
    }

    [Fact]
    public async Task DisposeAsync_unacknowledgedMessages_areRedeliveredToTheNextReader()
    {
        await RabbitMqTestClient.DeclareQueueAsync(fixture.Server.Uri, _queue);
        await PublishAsync(_queue, "a");
        await using (var first = new RabbitMqQueueSource<string>(Options(), Text))
        {
            await using var reader = first.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
            (await reader.MoveNextAsync()).ShouldBeTrue();
        }

        var redelivered = false;
        await using var second = new RabbitMqQueueSource<string>(Options(), d => { redelivered = d.Redelivered; return Text(d); });
        await using var again = second.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        (await again.MoveNextAsync().AsTask().WaitAsync(Patience)).ShouldBeTrue();
        again.Current.Value.ShouldBe("a");
        redelivered.ShouldBeTrue();
    }

    [Fact]
    public async Task ReadAsync_missingQueue_failsNamingTheQueueAndTheBrokersReason()
    {
        await using var source = new RabbitMqQueueSource<string>(Options(), Text);

        var error = await Should.ThrowAsync<SourceReadException>(async () =>
        {
            await foreach (var _ in source.ReadAsync(CancellationToken.None))
            {
            }
        });

        error.Message.ShouldContain($"queue '{_queue}'");
        error.Message.ShouldContain("NOT_FOUND");
    }

    [Fact]
    public async Task StreamSource_fromFirstAndFromAnOffset_positionsAreStreamOffsets()
    {
        var options = new RabbitMqStreamSourceOptions { Uri = fixture.Server.Uri, Queue = _queue, DeclareStream = true, Prefetch = 4 };
        await using (var declare = new RabbitMqStreamSource<string>(options, Text))
        {
            await using var reader = declare.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
            var first = reader.MoveNextAsync().AsTask();
            await WaitForConsumerAsync();
            await PublishAsync(_queue, Enumerable.Range(0, 8).Select(i => $"m{i}").ToArray());
            var items = new List<SourceItem<string>>();
            (await first.WaitAsync(Patience)).ShouldBeTrue();
            items.Add(reader.Current);
            await declare.AcknowledgeAsync(reader.Current.Position, CancellationToken.None);
            while (items.Count < 8 && await reader.MoveNextAsync())
            {
                items.Add(reader.Current);
                await declare.AcknowledgeAsync(reader.Current.Position, CancellationToken.None);
            }

            items.Select(i => i.Value).ShouldBe(Enumerable.Range(0, 8).Select(i => $"m{i}"));
            items.Select(i => i.Position).ShouldBe(Enumerable.Range(0, 8).Select(i => (long)i));
            declare.Checkpoint.ShouldBe(7);
        }

        options.StartOffset = "5";
        options.DeclareStream = false;
        await using var resumed = new RabbitMqStreamSource<string>(options, Text);
        await using var replay = resumed.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        var replayed = new List<SourceItem<string>>();
        while (replayed.Count < 3 && await replay.MoveNextAsync().AsTask().WaitAsync(Patience))
        {
            replayed.Add(replay.Current);
        }

        replayed.ShouldBe([new SourceItem<string>("m5", 5), new SourceItem<string>("m6", 6), new SourceItem<string>("m7", 7)]);
        resumed.Checkpoint.ShouldBe(4);
    }

    [Fact]
    public void Constructor_invalidOptions_listsEveryProblem()
    {
        var error = Should.Throw<ArgumentException>(() => new RabbitMqQueueSource<string>(new RabbitMqQueueSourceOptions { Uri = new Uri("http://x/"), Prefetch = 0, DeadLetterQueue = "d" }, Text));

        error.Message.ShouldContain("Uri must be an absolute amqp");
        error.Message.ShouldContain("Queue is required");
        error.Message.ShouldContain("Prefetch must be at least 1");
        error.Message.ShouldContain("DeadLetterQueue needs a DeadLetterExchange");
    }

    private static string Text(RabbitMqDelivery delivery) => Encoding.UTF8.GetString(delivery.Body.Span);

    private RabbitMqQueueSourceOptions Options() => new() { Uri = fixture.Server.Uri, Queue = _queue, Name = _queue };

    private Task PublishAsync(string queue, params string[] bodies) => RabbitMqTestClient.RunAsync(fixture.Server.Uri, async channel =>
    {
        foreach (var body in bodies)
        {
            await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes(body));
        }
    });

    private async Task WaitForConsumerAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var (_, output) = fixture.Server.Ctl("list_queues", "name", "consumers", "--quiet", "--no-table-headers");
            if (output.Split('\n').Any(l => l.StartsWith(_queue + "\t", StringComparison.Ordinal) && l.Trim().EndsWith('1')))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No consumer on {_queue}.");
    }

    private (int Ready, int Unacked) QueueCounts()
    {
        var (code, output) = fixture.Server.Ctl("list_queues", "name", "messages_ready", "messages_unacknowledged", "--quiet", "--no-table-headers");
        code.ShouldBe(0, output);
        var parts = output.Split('\n').Single(l => l.StartsWith(_queue + "\t", StringComparison.Ordinal)).Split('\t');
        return (int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2].Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<List<BasicGetResult>> PollAsync(string queue, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var messages = await RabbitMqTestClient.PeekAllAsync(fixture.Server.Uri, queue);
            if (messages.Count >= count || DateTime.UtcNow > deadline)
            {
                return messages;
            }

            await Task.Delay(50);
        }
    }
}
