using System.Text;
using NgsiFlow.Sinks.RabbitMq;
using NgsiFlow.Sinks.Tests.Infrastructure;
using NgsiFlow.Testing;
using RabbitMQ.Client;

namespace NgsiFlow.Sinks.Tests.RabbitMq;

/// <summary>RabbitMQ specifics against the real broker: routing per message, properties, unroutable messages.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqSinkTests(RabbitMqFixture fixture)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task WriteAsync_perMessageRoutingKeys_reachTheirQueuesAsPersistentMessages()
    {
        var exchange = $"x{_id}";
        await RabbitMqTestClient.RunAsync(fixture.Server.Uri, async channel =>
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: true);
            foreach (var key in new[] { "even", "odd" })
            {
                await channel.QueueDeclareAsync($"{key}{_id}", durable: true, exclusive: false, autoDelete: false);
                await channel.QueueBindAsync($"{key}{_id}", exchange, key);
            }
        });
        var options = new RabbitMqSinkOptions { Uri = fixture.Server.Uri, Exchange = exchange, ContentType = "text/plain" };
        await using (var sink = new RabbitMqSink<int>(options, i => new RabbitMqMessage(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), i % 2 == 0 ? "even" : "odd") { MessageId = $"m{i}", Headers = new Dictionary<string, object?> { ["n"] = i } }))
        {
            await sink.WriteAsync(Enumerable.Range(0, 10).ToArray(), CancellationToken.None);
        }

        var even = await RabbitMqTestClient.PeekAllAsync(fixture.Server.Uri, $"even{_id}");
        var odd = await RabbitMqTestClient.PeekAllAsync(fixture.Server.Uri, $"odd{_id}");
        even.Select(m => Encoding.UTF8.GetString(m.Body.Span)).ShouldBe(["0", "2", "4", "6", "8"]);
        odd.Select(m => Encoding.UTF8.GetString(m.Body.Span)).ShouldBe(["1", "3", "5", "7", "9"]);
        even[1].BasicProperties.DeliveryMode.ShouldBe(DeliveryModes.Persistent);
        even[1].BasicProperties.ContentType.ShouldBe("text/plain");
        even[1].BasicProperties.MessageId.ShouldBe("m2");
        even[1].BasicProperties.Headers!["n"].ShouldBe(2);
    }

    [Fact]
    public async Task WriteAsync_unroutableMandatoryMessage_failsForGoodNamingExchangeAndRoutingKey()
    {
        var exchange = $"x{_id}";
        await RabbitMqTestClient.RunAsync(fixture.Server.Uri, channel => channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: false));
        using var metrics = new MetricsRecorder($"unroutable{_id}");
        await using var sink = new RabbitMqSink<string>(
            new RabbitMqSinkOptions { Uri = fixture.Server.Uri, Exchange = exchange, RoutingKey = "nobody-listens", Name = $"unroutable{_id}" },
            s => new RabbitMqMessage(Encoding.UTF8.GetBytes(s)));

        var error = await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(new[] { "a", "b" }, CancellationToken.None).AsTask());

        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("unroutable");
        error.Message.ShouldContain($"'{exchange}'");
        error.Message.ShouldContain("'nobody-listens'");
        metrics[SinkMetrics.Retries].ShouldBe(0);
    }

    [Fact]
    public async Task WriteAsync_afterAPermanentFailure_theNextWriteWorksOnAFreshChannel()
    {
        var queue = $"q{_id}";
        await RabbitMqTestClient.DeclareQueueAsync(fixture.Server.Uri, queue);
        await using var sink = new RabbitMqSink<(string Exchange, string Body)>(
            new RabbitMqSinkOptions { Uri = fixture.Server.Uri, RoutingKey = queue },
            m => new RabbitMqMessage(Encoding.UTF8.GetBytes(m.Body), Exchange: m.Exchange));

        await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(new[] { ("missing" + _id, "lost") }, CancellationToken.None).AsTask());
        await sink.WriteAsync(new[] { (string.Empty, "kept") }, CancellationToken.None);

        (await RabbitMqTestClient.PeekAllAsync(fixture.Server.Uri, queue)).Select(m => Encoding.UTF8.GetString(m.Body.Span)).ShouldBe(["kept"]);
    }

    [Fact]
    public async Task WriteAsync_brokerStoppedAndRestarted_retriesUntilItIsBackAndLosesNothing()
    {
        var queue = $"q{_id}";
        await RabbitMqTestClient.DeclareQueueAsync(fixture.Server.Uri, queue);
        using var metrics = new MetricsRecorder($"restart{_id}");
        var options = new RabbitMqSinkOptions
        {
            Uri = fixture.Server.Uri, RoutingKey = queue, Name = $"restart{_id}",
            Retry = new SinkRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), MaxRetryAttempts = 200 },
        };
        await using var sink = new RabbitMqSink<int>(options, i => new RabbitMqMessage(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await sink.WriteAsync(new[] { 0, 1 }, CancellationToken.None);

        fixture.Server.Ctl("stop_app").ExitCode.ShouldBe(0);
        Task write;
        try
        {
            write = sink.WriteAsync(Enumerable.Range(2, 8).ToArray(), CancellationToken.None).AsTask();
            await metrics.WaitUntilAsync(SinkMetrics.Retries, 1, TimeSpan.FromSeconds(30));
            write.IsCompleted.ShouldBeFalse();
        }
        finally
        {
            fixture.Server.Ctl("start_app").ExitCode.ShouldBe(0);
        }

        await write.WaitAsync(TimeSpan.FromSeconds(60));
        (await RabbitMqTestClient.PeekAllAsync(fixture.Server.Uri, queue)).Select(m => Encoding.UTF8.GetString(m.Body.Span)).ShouldBe(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task WriteAsync_wrongPassword_failsForGoodAsAuthenticationFailure()
    {
        var uri = new UriBuilder(fixture.Server.Uri) { Password = "wrong" }.Uri;
        await using var sink = new RabbitMqSink<string>(new RabbitMqSinkOptions { Uri = uri, RoutingKey = "q", Name = "auth" }, s => new RabbitMqMessage(Encoding.UTF8.GetBytes(s)));

        var error = await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(new[] { "a" }, CancellationToken.None).AsTask());

        error.IsTransient.ShouldBeFalse();
        error.Message.ShouldContain("authentication failed", Case.Insensitive);
    }

    [Fact]
    public async Task WriteAsync_messageWithoutRoutingKeyAndNoDefault_isRefusedNamingTheEvent()
    {
        await using var sink = new RabbitMqSink<string>(new RabbitMqSinkOptions { Uri = fixture.Server.Uri, Name = "nokey" }, s => new RabbitMqMessage(Encoding.UTF8.GetBytes(s)));

        var error = await Should.ThrowAsync<ArgumentException>(() => sink.WriteAsync(new[] { "a" }, CancellationToken.None).AsTask());

        error.Message.ShouldContain("sink 'nokey'");
        error.Message.ShouldContain("no routing key");
    }
}
