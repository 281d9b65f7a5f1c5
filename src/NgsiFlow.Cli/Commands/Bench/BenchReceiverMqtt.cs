using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NgsiFlow.Cli.Commands.Bench.Servers;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>The MQTT half of <c>bench receiver --transport mqtt</c>.</summary>
internal static partial class BenchReceiverCommand
{
    /// <summary>
    /// One publisher per client publishes the same notifications as the HTTP clients with QoS 1 on a throwaway mosquitto
    /// (each publish waits for mosquitto's PUBACK, as Orion's do; at most 64 per client not yet checked by the job); the MQTT receiver hands them to the same checking job
    /// and acknowledges each once the job's input owns it. The figure is events checked by the job per second, from the
    /// first measured publish to the last event of the window.
    /// </summary>
    private static async Task<MqttResult> RunMqttAsync(int clients, TimeSpan duration, int bodyBytes, TimeSpan warmup, CancellationToken ct)
    {
        await using var mosquitto = await MosquittoServer.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        var templates = Enumerable.Range(0, clients).Select(i => new RequestTemplate(i, bodyBytes)).ToArray();
        var checker = new EventChecker(templates);

        // At most this many notifications between a publish and the job, as the HTTP clients have one request each in
        // flight: mosquitto 2.0.11 delivers a large queued backlog slowly, and a closed loop measures the pipeline, not it.
        using var window = new SemaphoreSlim(64 * clients);
        await using var job = new StreamJob(Job, new StreamJobOptions { InputCapacity = 65_536 });
        var input = job.Input<NgsiEvent>();
        input.ForEachBatchAsync((batch, _) =>
        {
            checker.Check(batch.Span);
            window.Release(batch.Length);
            return default;
        });
        job.Start();
        await using var receiver = new NgsiMqttReceiver(new MqttReceiverOptions
        {
            BrokerUrl = mosquitto.Uri,
            ClientId = "ngsiflow-bench",
            ReceiveMaximum = 1024,
            MaxPayloadBytes = Math.Max(ReceiverOptions.DefaultMaxBodyBytes, bodyBytes * 2L),
        });
        var route = receiver.AddJob(Job, new StreamInputTarget(input));

        // MQTT has no Fiware headers; the subscription topic carries the tenant and service path the checker expects.
        var topic = route.AddSubscription("load", null, new FiwareContext("bench", "/load", null));
        await receiver.StartAsync(ct).ConfigureAwait(false);

        var publishers = new IMqttClient[clients];
        for (var i = 0; i < clients; i++)
        {
            publishers[i] = new MqttClientFactory().CreateMqttClient();
            await publishers[i].ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(mosquitto.Uri.Host, mosquitto.Uri.Port)
                .WithProtocolVersion(MqttProtocolVersion.V311).WithClientId("bench-publisher-" + i).WithCleanSession(true).Build(), ct).ConfigureAwait(false);
        }

        try
        {
            var warm = await PublishForAsync(publishers, templates, topic, window, warmup, ct).ConfigureAwait(false);
            await WaitForJobAsync(() => receiver.GetStatistics().Accepted, warm, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            var before = receiver.GetStatistics();
            checker.StartCounting(templates);
            var started = Stopwatch.GetTimestamp();
            var published = await PublishForAsync(publishers, templates, topic, window, duration, ct).ConfigureAwait(false);
            var done = await WaitForJobAsync(() => checker.Received, published, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            var elapsed = (done - started) / (double)Stopwatch.Frequency;
            var after = receiver.GetStatistics();
            return new MqttResult(
                checker.Received / elapsed,
                published,
                checker.Received,
                checker.Lost(templates),
                checker.Corrupted,
                checker.Duplicates,
                after.RejectedTotal - before.RejectedTotal);
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                publisher.Dispose();
            }

            await receiver.StopAsync(ct).ConfigureAwait(false);
            await job.StopAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task<long> PublishForAsync(IMqttClient[] publishers, RequestTemplate[] templates, string topic, SemaphoreSlim window, TimeSpan duration, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        var counts = await Task.WhenAll(publishers.Select((publisher, i) => Task.Run(async () =>
        {
            var template = templates[i];
            var body = template.BodyCopy();
            long ok = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await window.WaitAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    break;
                }

                var seq = template.Next();
                template.StampBody(body, seq);
                var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(body).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                var result = await publisher.PublishAsync(message, ct).ConfigureAwait(false);
                if (result.IsSuccess)
                {
                    template.Accepted(seq);
                    ok++;
                }
            }

            return ok;
        }, ct))).ConfigureAwait(false);
        return counts.Sum();
    }

    /// <summary>Waits until the job has checked <paramref name="expected"/> events, or nothing moved for the quiet limit;
    /// returns the timestamp of the last progress.</summary>
    private static async Task<long> WaitForJobAsync(Func<long> received, long expected, TimeSpan quiet, CancellationToken ct)
    {
        var last = received();
        var lastMove = Stopwatch.GetTimestamp();
        while (last < expected && Stopwatch.GetElapsedTime(lastMove) < quiet)
        {
            await Task.Delay(5, ct).ConfigureAwait(false);
            var now = received();
            if (now != last)
            {
                last = now;
                lastMove = Stopwatch.GetTimestamp();
            }
        }

        return lastMove;
    }

    private sealed record MqttResult(double PerSecond, long Published, long Received, long Lost, long Corrupted, long Duplicates, long Rejected);
}
