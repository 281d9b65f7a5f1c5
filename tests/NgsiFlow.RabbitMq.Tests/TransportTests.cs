using System.Collections.Concurrent;
using System.Threading.Channels;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.RabbitMq.Tests;

[Collection(RabbitMqCollection.Name)]
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
        await WaitUntilAsync(() => rabbit.AllAcknowledged(prefix + ".counter.p"), "every message to be acknowledged");
    }

    [Fact]
    public async Task Worker_connection_closed_by_rabbitmq_recovers_and_loses_nothing()
    {
        var prefix = NewPrefix();
        var results = new ConcurrentQueue<(string Entity, long Count)>();
        var job = CountingJob("recovering", results);
        var options = Options(prefix, 2);
        options.ClientName = "recovery-test-" + prefix;
        await using var target = await RabbitMqNotificationTarget.StartAsync(Options(prefix, 2), job, CancellationToken.None);
        await using var worker = await RabbitMqWorker.StartAsync(options, job, new WorkerContext(null), CancellationToken.None);
        await PublishAsync(target, "recovering", 1, 20);
        await WaitUntilAsync(() => results.Count == 20, "20 results before the connection is closed");

        var (code, text) = rabbit.Server.Ctl("close_all_connections", "--vhost", "/", "test: closed on purpose");
        code.ShouldBe(0, text);
        var published = 0;
        await WaitUntilAsync(() =>
        {
            // The publisher's connection was closed too: a publish fails (503 for a receiver) until it recovered.
            try
            {
                PublishAsync(target, "recovering", 21 + published, 21 + published).GetAwaiter().GetResult();
                published++;
            }
            catch (TargetClosedException)
            {
            }

            return published == 20;
        }, "20 more updates to be published after recovery");
        await WaitUntilAsync(() => results.Select(r => r.Count).Distinct().Count() == 40 && rabbit.AllAcknowledged(prefix + ".recovering.p"), "all 40 updates to be counted and acknowledged after recovery");

        results.Select(r => r.Count).Distinct().Order().ShouldBe(Enumerable.Range(1, 40).Select(i => (long)i));
        results.Max(r => r.Count).ShouldBe(40, "each update counted once in the state, whatever was redelivered");
    }

    [Fact]
    public async Task Worker_partition_channel_closed_by_a_channel_error_is_subscribed_again_and_loses_nothing()
    {
        var prefix = NewPrefix();
        var results = new ConcurrentQueue<(string Entity, long Count)>();
        var job = CountingJob("channel-error", results);
        await using var target = await RabbitMqNotificationTarget.StartAsync(Options(prefix, 1), job, CancellationToken.None);
        await using var worker = await RabbitMqWorker.StartAsync(Options(prefix, 1), job, new WorkerContext(null), CancellationToken.None);
        await PublishAsync(target, "channel-error", 1, 10);
        await WaitUntilAsync(() => results.Count == 10, "ten updates counted");

        // Acknowledging a delivery tag the channel never had makes RabbitMQ close the channel (PRECONDITION_FAILED)
        // while the connection stays up: automatic recovery does not bring such a channel back.
        var broken = worker.PartitionChannel(0).ShouldNotBeNull();
        await broken.BasicAckAsync(1_000_000, multiple: false);
        await WaitUntilAsync(() => !broken.IsOpen, "RabbitMQ to close the channel");
        await PublishAsync(target, "channel-error", 11, 20);
        await WaitUntilAsync(() => results.Select(r => r.Count).Distinct().Count() == 20 && rabbit.AllAcknowledged(prefix + ".channel-error.p"), "ten more counted on a new channel and everything acknowledged");

        worker.PartitionChannel(0).ShouldNotBeSameAs(broken);
        results.Select(r => r.Count).Distinct().Order().ShouldBe(Enumerable.Range(1, 20).Select(i => (long)i));
        results.Max(r => r.Count).ShouldBe(20, "each update counted once in the state");
    }

    [Fact]
    public async Task Worker_message_not_from_ngsiflow_is_counted_dropped_and_the_partition_goes_on()
    {
        var prefix = NewPrefix();
        var results = new ConcurrentQueue<(string Entity, long Count)>();
        var job = CountingJob("poison", results);
        await using var target = await RabbitMqNotificationTarget.StartAsync(Options(prefix, 1), job, CancellationToken.None);
        await using var worker = await RabbitMqWorker.StartAsync(Options(prefix, 1), job, new WorkerContext(null), CancellationToken.None);
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = rabbit.Uri };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.BasicPublishAsync(string.Empty, target.Topology.PartitionQueue(0), mandatory: true, new RabbitMQ.Client.BasicProperties(), "not an event"u8.ToArray());
        }

        await PublishAsync(target, "poison", 1, 3);
        await WaitUntilAsync(() => results.Count == 3 && rabbit.AllAcknowledged(prefix + ".poison.p"), "the three events after the bad message to be processed and everything acknowledged");

        worker.GetStatistics().Poison.ShouldBe(1);
        results.Select(r => r.Count).ShouldBe([1L, 2L, 3L]);
    }

    [Fact]
    public async Task Workers_handing_partitions_over_again_and_again_under_traffic_keep_every_count()
    {
        // Workers join and leave while updates stream in: every join makes the others release partitions (a final
        // checkpoint, then the channel closes with deliveries still arriving), every stop releases all of its own.
        const int entities = 20;
        const int updates = 100;
        var prefix = NewPrefix();
        var results = new ConcurrentQueue<(string Entity, long Count)>();
        var job = CountingJob("handover", results);
        var options = Options(prefix, 4);
        await using var target = await RabbitMqNotificationTarget.StartAsync(options, job, CancellationToken.None);
        var workers = new List<RabbitMqWorker> { await RabbitMqWorker.StartAsync(options, job, new WorkerContext(null), CancellationToken.None) };
        try
        {
            var publishing = Task.Run(async () =>
            {
                for (var seq = 1; seq <= updates; seq++)
                {
                    for (var i = 0; i < entities; i++)
                    {
                        await PublishAsync(target, "handover", "E" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), seq);
                    }

                    await Task.Delay(50);
                }
            });

            var handOvers = 0;
            while (!publishing.IsCompleted)
            {
                await Task.Delay(700);
                workers.Add(await RabbitMqWorker.StartAsync(options, job, new WorkerContext(null), CancellationToken.None));
                await Task.Delay(700);
                if (workers.Count > 1)
                {
                    await workers[0].StopAsync(CancellationToken.None);
                    await workers[0].DisposeAsync();
                    workers.RemoveAt(0);
                }

                handOvers++;
            }

            await publishing;
            await WaitUntilAsync(() => results.Count(r => r.Count == updates) >= entities && rabbit.AllAcknowledged(prefix + ".handover.p"), "every entity's last update to be counted and everything acknowledged");

            handOvers.ShouldBeGreaterThan(2);
            foreach (var group in results.GroupBy(r => r.Entity))
            {
                group.Max(r => r.Count).ShouldBe(updates, $"{group.Key}: every update counted once in the state, across the hand-overs");
                group.Select(r => r.Count).Distinct().Order().ShouldBe(Enumerable.Range(1, updates).Select(k => (long)k), group.Key);
            }

            results.Select(r => r.Entity).Distinct().Count().ShouldBe(entities);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private static DistributedJob CountingJob(string name, ConcurrentQueue<(string Entity, long Count)> results) => new(name, (input, _) => input
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

    private static async Task PublishAsync(RabbitMqNotificationTarget target, string job, int from, int to)
    {
        for (var seq = from; seq <= to; seq++)
        {
            await PublishAsync(target, job, "E1", seq);
        }
    }

    private static async Task PublishAsync(RabbitMqNotificationTarget target, string job, string id, int seq)
    {
        var entity = new NgsiV2Entity(id, "Thing", new NgsiV2AttributeCollection([new NgsiV2Attribute("seq", NgsiValue.FromNumber(seq), "Number")]));
        var e = new NgsiEvent(job, entity, FiwareContext.Default, NotificationFormat.V2Normalized, null, null, DateTimeOffset.UtcNow);
        await target.AcceptAsync(new NotificationBatch(job, new NgsiV2Notification(NotificationFormat.V2Normalized, FiwareContext.Default, [entity]), [e]), CancellationToken.None);
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
