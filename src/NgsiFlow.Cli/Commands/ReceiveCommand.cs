using System.CommandLine;
using System.Net;
using System.Text.Json;
using NgsiFlow.Connector;
using NgsiFlow.RabbitMq;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow receive --rabbitmq URL --job NAME [--broker URL] [--public-url URL] [--port P]</c>: the
/// notification endpoint and subscriptions of a job, publishing to RabbitMQ, until Ctrl+C or SIGTERM.</summary>
internal static class ReceiveCommand
{
    public static Command Create()
    {
        var shared = new DistributedOptions();
        var port = new Option<int>("--port") { Description = "TCP port of the notification endpoint (0 picks a free one).", DefaultValueFactory = _ => 9100 };
        var listen = new Option<string>("--listen") { Description = "Address to listen on (0.0.0.0 for all interfaces, as in a container).", DefaultValueFactory = _ => "127.0.0.1" };
        var publicUrl = new Option<string?>("--public-url") { Description = "The URL the context broker reaches this receiver at (put into subscriptions)." };
        var command = new Command("receive", "Receive a job's notifications and publish them to RabbitMQ (answers 2xx after RabbitMQ confirmed); manage its subscriptions with --broker.");
        shared.AddTo(command);
        command.Options.Add(port);
        command.Options.Add(listen);
        command.Options.Add(publicUrl);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            using var loggerFactory = shared.CreateLoggerFactory(parseResult);
            var (options, problem) = shared.Read(parseResult, loggerFactory);
            var (job, jobProblem) = DistributedOptions.FindJob(parseResult.GetValue(shared.Job)!);
            if (options is null || job is null)
            {
                await error.WriteLineAsync(problem ?? jobProblem).ConfigureAwait(false);
                return 2;
            }

            if (!IPAddress.TryParse(parseResult.GetValue(listen), out var address))
            {
                await error.WriteLineAsync($"--listen must be an IP address (was '{parseResult.GetValue(listen)}').").ConfigureAwait(false);
                return 2;
            }

            Uri? publicBase = null;
            if (parseResult.GetValue(publicUrl) is { } publicText && !Uri.TryCreate(publicText, UriKind.Absolute, out publicBase))
            {
                await error.WriteLineAsync($"--public-url must be an absolute http(s) URL (was '{publicText}').").ConfigureAwait(false);
                return 2;
            }

            BrokerConnection? broker = null;
            if (parseResult.GetValue(shared.Broker) is { } brokerText)
            {
                if (!Uri.TryCreate(brokerText, UriKind.Absolute, out var brokerUri))
                {
                    await error.WriteLineAsync($"--broker must be an absolute http(s) URL (was '{brokerText}').").ConfigureAwait(false);
                    return 2;
                }

                broker = BrokerConnection.V2(new NgsiFlow.Client.NgsiClientOptions { BaseAddress = brokerUri }, "broker", loggerFactory);
            }

            using var brokerScope = broker;
            var receiverOptions = new ReceiverOptions { Port = parseResult.GetValue(port), ListenAddress = address, PublicBaseUrl = publicBase, LoggerFactory = loggerFactory };
            RabbitMqReceiver receiver;
            try
            {
                receiver = await RabbitMqReceiver.StartAsync(options, job, receiverOptions, broker, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RabbitMqUnreachableException or InvalidOperationException or ArgumentException or NgsiFlow.Client.NgsiClientException or HttpRequestException or IOException)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 3;
            }

            await using (receiver.ConfigureAwait(false))
            {
                await output.WriteLineAsync($"receiver ready: job {job.Name} at {receiver.Route.NotifyUrl} (listening on {receiver.Receiver.BaseAddress}), publishing to {receiver.Target.Topology.Exchange}; subscriptions: {string.Join(", ", receiver.SubscriptionIds)}").ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM.
                }

                using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await receiver.StopAsync(stopTimeout.Token).ConfigureAwait(false);
                var stats = receiver.Receiver.GetStatistics();
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    job = job.Name,
                    received = stats.Received,
                    accepted = stats.Accepted,
                    events = stats.Events,
                    rejected = stats.RejectedTotal,
                    published = receiver.Target.Published,
                    publishFailures = receiver.Target.Failed,
                })).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
