using System.CommandLine;
using System.Net;
using NgsiFlow.Broker;
using NgsiFlow.Cli.Commands.Hosting;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow broker</c>: runs the embedded Orion-compatible NGSI-v2 broker until Ctrl+C.</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0 picks a free one).", DefaultValueFactory = _ => 1026 };
        var store = new Option<string>("--store") { Description = "Where data lives: memory or postgres.", DefaultValueFactory = _ => "memory" };
        var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string, with --store postgres." };
        var listen = new Option<string>("--listen") { Description = "Address to listen on (default loopback; 0.0.0.0 for all interfaces).", DefaultValueFactory = _ => "127.0.0.1" };
        var corsOrigin = new Option<string?>("--cors-origin") { Description = "Allow cross-origin requests from this origin (__ALL for any), as Orion's -corsOrigin." };
        var corsMaxAge = new Option<int>("--cors-max-age") { Description = "Seconds a browser may cache a CORS preflight answer.", DefaultValueFactory = _ => 86_400 };
        var statCounters = new Option<bool>("--stat-counters") { Description = "Count requests per resource and method in GET /statistics, as Orion's -statCounters." };
        var forwardTimeout = new Option<int>("--forward-timeout") { Description = "Milliseconds a context provider has to answer a forwarded query or update, as Orion's -httpTimeout.", DefaultValueFactory = _ => 5_000 };
        var forwardLimit = new Option<int>("--forward-limit") { Description = "Most forwarded requests one client request may cause (0: no forwarding), as Orion's -cprForwardLimit.", DefaultValueFactory = _ => 1_000 };
        var command = new Command("broker", "Run the embedded Orion-compatible NGSI-v2 context broker until Ctrl+C.");
        command.Options.Add(port);
        command.Options.Add(store);
        command.Options.Add(postgres);
        command.Options.Add(listen);
        command.Options.Add(corsOrigin);
        command.Options.Add(corsMaxAge);
        command.Options.Add(statCounters);
        command.Options.Add(forwardTimeout);
        command.Options.Add(forwardLimit);
        var operability = new OperabilityOptions();
        operability.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (operability.Validate(parseResult) is { } invalid)
            {
                await error.WriteLineAsync(invalid).ConfigureAwait(false);
                return 2;
            }
            var storeText = parseResult.GetValue(store) ?? "memory";
            if (storeText is not ("memory" or "postgres"))
            {
                await error.WriteLineAsync($"--store must be memory or postgres (was '{storeText}').").ConfigureAwait(false);
                return 2;
            }

            if (!IPAddress.TryParse(parseResult.GetValue(listen), out var address))
            {
                await error.WriteLineAsync($"--listen must be an IP address (was '{parseResult.GetValue(listen)}').").ConfigureAwait(false);
                return 2;
            }

            using var loggers = operability.CreateLoggerFactory(parseResult);
            using var telemetry = operability.StartTelemetry(parseResult, "ngsiflow-broker");
            var options = new BrokerOptions
            {
                LoggerFactory = loggers,
                Middleware = telemetry is null ? null : telemetry.Endpoint,
                Port = parseResult.GetValue(port),
                ListenAddress = address,
                Store = storeText == "postgres" ? BrokerStoreKind.Postgres : BrokerStoreKind.Memory,
                PostgresConnectionString = parseResult.GetValue(postgres),
                CorsOrigin = parseResult.GetValue(corsOrigin),
                CorsMaxAgeSeconds = parseResult.GetValue(corsMaxAge),
                StatisticsCounters = parseResult.GetValue(statCounters),
                ForwardTimeout = TimeSpan.FromMilliseconds(parseResult.GetValue(forwardTimeout)),
                ForwardLimit = parseResult.GetValue(forwardLimit),
            };
            ContextBroker broker;
            try
            {
                broker = await ContextBroker.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                await error.WriteLineAsync("Cannot start the broker: " + ex.Message).ConfigureAwait(false);
                return 1;
            }

            await using (broker.ConfigureAwait(false))
            {
                await output.WriteLineAsync($"NgsiFlow broker ({storeText} store) listening on {broker.BaseAddress} (NGSI-v2 at {broker.BaseAddress}v2{(parseResult.GetValue<bool>("--metrics") ? $", metrics at {broker.BaseAddress}metrics" : string.Empty)}). Ctrl+C stops it.").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await output.WriteLineAsync("Stopping.").ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }
}
