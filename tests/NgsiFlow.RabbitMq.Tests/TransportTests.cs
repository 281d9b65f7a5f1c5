using System.Collections.Concurrent;
using System.Threading.Channels;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.RabbitMq.Tests;

[Collection("rabbitmq")]
public sealed class TransportTests(RabbitMqFixture rabbit)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private RabbitMqOptions Options(string prefix, int partitions = 4) => new()
    {
        Uri = rabbit.Uri,
        Prefix = prefix,
        Partitions = partitions,
        Prefetch = 64,
        CheckpointEvery = 16,
        CheckpointInterval = TimeSpan.FromMilliseconds(100),
    };

    private static string NewPrefix() => "u" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task StartAsync_unreachable_rabbitmq_throws_error_naming_uri_and_cause()
    {
        var port = FreePort.Next();
        var options = new RabbitMqOptions { Uri = new Uri($"amqp://guest:secret@127.0.0.1:{port}/"), ConnectTimeout = TimeSpan.FromSeconds(5) };

        var error = await Should.ThrowAsync<RabbitMqUnreachableException>(() => RabbitMqNotificationTarget.StartAsync(options, "any", null, CancellationToken.None));

        error.Message.ShouldContain($"127.0.0.1:{port}");
        error.Message.ShouldContain("unreachable");
        error.Message.ShouldNotContain("secret");
        error.Message.ShouldContain("refused", Case.Insensitive);
    }

    [Fact]
    public async Task Worker_command_unreachable_rabbitmq_exits_with_clear_message()
    {
        var port = FreePort.Next();
        using var cli = CliProcess.Start("worker", "worker", "--rabbitmq", $"amqp://guest:guest@127.0.0.1:{port}/", "--job", "running-sum");

        var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));

        code.ShouldBe(3);
        cli.Errors.ShouldContain($"RabbitMQ at amqp://guest:***@127.0.0.1:{port}/ is unreachable");
    }

    [Theory]
    [InlineData(0, 64, 16, "Partitions")]
    [InlineData(4, 1, 16, "Prefetch")]
    [InlineData(4, 64, 64, "CheckpointEvery")]
    public void Validate_bad_value_names_the_option(int partitions, int prefetch, int checkpointEvery, string field)
    {
        var options = new RabbitMqOptions { Uri = new Uri("amqp://localhost/"), Partitions = partitions, Prefetch = (ushort)prefetch, CheckpointEvery = checkpointEvery };

        var error = Should.Throw<ArgumentException>(options.Validate);

        error.Message.ShouldContain("RabbitMqOptions." + field);
    }

    [Fact]
    public void Validate_http_uri_is_refused()
    {
        var error = Should.Throw<ArgumentException>(new RabbitMqOptions { Uri = new Uri("http://localhost/") }.Validate);

        error.Message.ShouldContain("amqp://");
    }

    [Fact]
    public async Task StartAsync_twice_declares_the_topology_once()
    {
        var prefix = NewPrefix();
        await using (await RabbitMqNotificationTarget.StartAsync(Options(prefix, 3), "sensors", null, CancellationToken.None))
        {
        }

        await using var second = await RabbitMqNotificationTarget.StartAsync(Options(prefix, 3), "sensors", null, CancellationToken.None);

        var names = rabbit.Queues(prefix).Select(q => q.Name).Order(StringComparer.Ordinal).ToList();
        names.ShouldBe([$"{prefix}.sensors.p00", $"{prefix}.sensors.p01", $"{prefix}.sensors.p02", $"{prefix}.sensors.state.p00", $"{prefix}.sensors.state.p01", $"{prefix}.sensors.state.p02", $"{prefix}.sensors.workers"]);
        var (_, types) = rabbit.Server.Ctl("list_queues", "-q", "--no-table-headers", "name", "type", "arguments");
        types.Split('\n').Where(l => l.StartsWith(prefix + ".sensors.p", StringComparison.Ordinal)).ShouldAllBe(l => l.Contains("quorum") && l.Contains("x-single-active-consumer"));
    }

    [Fact]
    public async Task AcceptAsync_event_reaches_worker_with_entity_and_fiware_headers()
    {
        var prefix = NewPrefix();
        var received = Channel.CreateUnbounded<NgsiEvent>();
        var job = new DistributedJob("headers", (input, _) => input.ForEachAsync((e, ct) => received.Writer.WriteAsync(e, ct)));
        await using var worker = await RabbitMqWorker.StartAsync(Options(prefix), job, new WorkerContext(null), CancellationToken.None);
        await using var target = await RabbitMqNotificationTarget.StartAsync(Options(prefix), job, CancellationToken.None);
        var entity = new NgsiV2Entity("urn:Room:1", "Room", new NgsiV2AttributeCollection([new NgsiV2Attribute("temperature", NgsiValue.FromNumber(21.5), "Number")]));
        var fiware = new FiwareContext("tenant1", "/floor1", "corr-42");
        var notifiedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var sent = new NgsiEvent("headers", entity, fiware, NotificationFormat.V2Normalized, "sub-7", notifiedAt, DateTimeOffset.UtcNow);

        await target.AcceptAsync(new NotificationBatch("headers", new NgsiV2Notification(NotificationFormat.V2Normalized, fiware, [entity]), [sent]), CancellationToken.None);

        using var cts = new CancellationTokenSource(Deadline);
        var got = await received.Reader.ReadAsync(cts.Token);
        got.EntityId.ShouldBe("urn:Room:1");
        got.EntityType.ShouldBe("Room");
        got.V2Entity.Attributes["temperature"].Value.GetNumber().ShouldBe(21.5);
        got.Fiware.ShouldBe(fiware);
        got.SubscriptionId.ShouldBe("sub-7");
        got.NotifiedAt.ShouldBe(notifiedAt);
        got.Format.ShouldBe(NotificationFormat.V2Normalized);
        target.Published.ShouldBe(1);
    }

    [Fact]
    public async Task Worker_taking_over_partition_resumes_from_checkpoint_and_skips_duplicates()
    {
        var prefix = NewPrefix();
        var results = new ConcurrentQueue<(string Entity, long Count)>();
        var job = new DistributedJob("counter", (input, _) => input
            .KeyBy(e => e.EntityId)
            .Process<string, NgsiEvent, long, (string, long)>(_ => 0, (string key, ref long count, NgsiEvent e, Emitter<(string, long)> output) =>
            {
                count++;
                output.Emit((key, count));
            }, name: "count")
            .ForEachAsync((r, _) =>
            {
                results.Enqueue(r);
                return ValueTask.CompletedTask;
            }))
        {
            IdempotencyKey = e => e.EntityId + "#" + e.Entity.GetNumber("seq"),
        };
        await using var target = await RabbitMqNotificationTarget.StartAsync(Options(prefix, 1), job, CancellationToken.None);

        var first = await RabbitMqWorker.StartAsync(Options(prefix, 1), job, new WorkerContext(null), CancellationToken.None);
        await PublishAsync(target, "counter", 1, 30);
        await WaitUntilAsync(() => results.Count == 30, "the first worker to count 30 updates");
        await first.StopAsync(CancellationToken.None);
        var firstStats = first.GetStatistics();
        await first.DisposeAsync();

        await using var second = await RabbitMqWorker.StartAsync(Options(prefix, 1), job, new WorkerContext(null), CancellationToken.None);
        await PublishAsync(target, "counter", 31, 60);
        await PublishAsync(target, "counter", 60, 60);
        await WaitUntilAsync(() => results.Count == 60 && second.GetStatistics().Duplicates == 1, "the second worker to count 30 more and skip one duplicate");

        firstStats.Acknowledged.ShouldBe(30);
        results.Select(r => r.Count).ShouldBe(Enumerable.Range(1, 60).Select(i => (long)i));
        second.GetStatistics().Takeovers.ShouldBe(1);
        await WaitUntilAsync(() => rabbit.Queues(prefix + ".counter.p").All(q => q.Ready == 0 && q.Unacknowledged == 0), "every message to be acknowledged");
    }

    private static async Task PublishAsync(RabbitMqNotificationTarget target, string job, int from, int to)
    {
        for (var seq = from; seq <= to; seq++)
        {
            var entity = new NgsiV2Entity("E1", "Thing", new NgsiV2AttributeCollection([new NgsiV2Attribute("seq", NgsiValue.FromNumber(seq), "Number")]));
            var e = new NgsiEvent(job, entity, FiwareContext.Default, NotificationFormat.V2Normalized, null, null, DateTimeOffset.UtcNow);
            await target.AcceptAsync(new NotificationBatch(job, new NgsiV2Notification(NotificationFormat.V2Normalized, FiwareContext.Default, [entity]), [e]), CancellationToken.None);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Deadline.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
