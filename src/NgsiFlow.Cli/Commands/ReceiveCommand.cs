using System.CommandLine;
using System.Text;
using System.Text.Json;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Commands;

/// <summary>
/// <c>ngsiflow receive --mqtt URL</c>: subscribes to a job's notification topic and writes every notified entity as one
/// JSON line (keyValues) to standard output or a file, each line written before its message is acknowledged: what an MQTT
/// subscription delivers, seen through NgsiFlow's parser, at least once.
/// </summary>
internal static class ReceiveCommand
{
    public static Command Create()
    {
        var mqtt = new Option<string>("--mqtt") { Description = "The MQTT broker, mqtt://host:port.", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "MQTT client id; it names the persistent session (use the same one to get what arrived meanwhile).", DefaultValueFactory = _ => "ngsiflow-receive" };
        var job = new Option<string>("--job") { Description = "The job name: messages on {prefix}/{job} and below are read.", DefaultValueFactory = _ => "receive" };
        var prefix = new Option<string>("--topic-prefix") { Description = "The topic prefix.", DefaultValueFactory = _ => "ngsiflow" };
        var output = new Option<string?>("--output") { Description = "Append the lines to this file instead of standard output." };
        var command = new Command("receive", "Receive notifications over MQTT (QoS 1, persistent session) and print each entity as a JSON line, acknowledged once written.");
        foreach (var option in new Option[] { mqtt, clientId, job, prefix, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            if (!Uri.TryCreate(parseResult.GetValue(mqtt), UriKind.Absolute, out var url))
            {
                await error.WriteLineAsync("--mqtt must be an MQTT URL such as mqtt://localhost:1883.").ConfigureAwait(false);
                return 2;
            }

            var path = parseResult.GetValue(output);
            var writer = path is null ? parseResult.InvocationConfiguration.Output : new StreamWriter(path, append: true, new UTF8Encoding(false));
            try
            {
                var options = new MqttReceiverOptions { BrokerUrl = url, ClientId = parseResult.GetValue(clientId)!, TopicPrefix = parseResult.GetValue(prefix)! };
                await using var receiver = new NgsiMqttReceiver(options);
                var route = receiver.AddJob(parseResult.GetValue(job)!, new LineTarget(writer));
                await receiver.StartAsync(cancellationToken).ConfigureAwait(false);
                await error.WriteLineAsync($"receiving on {url} topic {route.Topic} (and below) as '{options.ClientId}'").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: stop gracefully.
                }

                await receiver.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                await error.WriteLineAsync("ngsiflow receive: " + e.Message).ConfigureAwait(false);
                return 1;
            }
            finally
            {
                if (path is not null)
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    /// <summary>Writes and flushes each event's line before the receiver acknowledges its message.</summary>
    private sealed class LineTarget(TextWriter writer) : INotificationTarget
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async ValueTask AcceptAsync(NotificationBatch batch, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            foreach (var e in batch.Events)
            {
                text.Append(e.Entity is NgsiV2Entity v2 ? Encoding.UTF8.GetString(NgsiV2Writer.EntityToBytes(v2, NgsiV2Representation.KeyValues)) : JsonSerializer.Serialize(new { id = e.EntityId, type = e.Entity.Type }))
                    .Append('\n');
            }

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await writer.WriteAsync(text, cancellationToken).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
