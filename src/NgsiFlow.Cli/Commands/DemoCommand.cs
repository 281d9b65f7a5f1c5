using System.CommandLine;
using NgsiFlow.Cli.Demo;
using NgsiFlow.Cli.Demo.Concrete;
using NgsiFlow.Client;
using Spectre.Console;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow demo [concrete]</c>: a tutorial scenario end to end in one process, with a live dashboard.</summary>
internal static class DemoCommand
{
    /// <summary>The scenarios by name; the first is the default.</summary>
    private static readonly Dictionary<string, Func<IDemoScenario>> Scenarios = new(StringComparer.OrdinalIgnoreCase)
    {
        ["concrete"] = () => new ConcreteScenario(),
    };

    public static Command Create()
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = $"What to run: {string.Join(", ", Scenarios.Keys)}.",
            DefaultValueFactory = _ => "concrete",
        };
        var broker = new Option<string?>("--broker") { Description = "Use this NGSI-v2 broker (e.g. a real Orion, http://localhost:1026) instead of the embedded one." };
        var publicUrl = new Option<string?>("--public-url") { Description = "The notification receiver's URL as that broker reaches it (e.g. http://host.docker.internal:9100/)." };
        var receiverPort = new Option<int>("--receiver-port") { Description = "Port of the notification receiver (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var entities = new Option<int>("--entities") { Description = "Spread the rows over K entities (default: the tutorial's single entity 'Concrete').", DefaultValueFactory = _ => 1 };
        var updates = new Option<int?>("--updates") { Description = "Number of updates to send (default: one per row of the data set, 1,030)." };
        var rate = new Option<double>("--rate") { Description = "Updates per second; 0 sends them as fast as the broker accepts them.", DefaultValueFactory = _ => 0 };
        var summaryJson = new Option<string?>("--summary-json") { Description = "Also write the summary to this file as JSON." };
        var keepRunning = new Option<bool>("--keep-running") { Description = "Keep broker, job and dashboard up after the replay, until Ctrl+C." };
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Do not serve the dashboard." };
        var dashboardPort = new Option<int>("--dashboard-port") { Description = "Port of the dashboard (0 picks a free one).", DefaultValueFactory = _ => 8080 };
        var model = new Option<string?>("--model") { Description = "Model file (default: the repository's models/concrete-rf150.onnx)." };
        var notifications = new Option<string>("--notifications")
        {
            Description = "How the broker notifies the jobs: http (POSTs to the receiver) or mqtt (through a mosquitto the demo starts, Debian package mosquitto).",
            DefaultValueFactory = _ => "http",
        };
        var mqttBroker = new Option<string?>("--mqtt-broker") { Description = "With --notifications mqtt: use this MQTT broker (mqtt://host:port, reachable by the context broker) instead of starting mosquitto." };
        var data = new Option<string?>("--data") { Description = "Data set (default: the repository's data/concrete/concrete_dataset.csv)." };

        var command = new Command("demo", "Run a tutorial scenario end to end: embedded broker, streaming job, ONNX model, write-back, live dashboard.");
        command.Arguments.Add(scenario);
        foreach (var option in new Option[] { broker, publicUrl, receiverPort, entities, updates, rate, summaryJson, keepRunning, noDashboard, dashboardPort, model, data, notifications, mqttBroker })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var name = parseResult.GetValue(scenario) ?? "concrete";
            if (!Scenarios.TryGetValue(name, out var factory))
            {
                await error.WriteLineAsync($"Unknown scenario '{name}'; choose one of: {string.Join(", ", Scenarios.Keys)}.").ConfigureAwait(false);
                return 2;
            }

            var urlErrors = new List<string>();
            var options = new DemoOptions
            {
                Broker = ParseUrl(parseResult.GetValue(broker), "--broker", urlErrors),
                PublicUrl = ParseUrl(parseResult.GetValue(publicUrl), "--public-url", urlErrors),
                ReceiverPort = parseResult.GetValue(receiverPort),
                Entities = parseResult.GetValue(entities),
                Updates = parseResult.GetValue(updates),
                Rate = parseResult.GetValue(rate),
                SummaryJson = parseResult.GetValue(summaryJson),
                KeepRunning = parseResult.GetValue(keepRunning),
                NoDashboard = parseResult.GetValue(noDashboard),
                DashboardPort = parseResult.GetValue(dashboardPort),
                ModelPath = parseResult.GetValue(model),
                DataPath = parseResult.GetValue(data),
                Notifications = parseResult.GetValue(notifications) ?? "http",
                MqttBroker = ParseMqttUrl(parseResult.GetValue(mqttBroker), urlErrors),
            };
            var errors = urlErrors.Concat(options.Validate()).ToList();
            if (errors.Count > 0)
            {
                foreach (var message in errors)
                {
                    await error.WriteLineAsync(message).ConfigureAwait(false);
                }

                return 2;
            }

            var redirected = Console.IsOutputRedirected;
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(parseResult.InvocationConfiguration.Output),
                Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
                ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
                Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            });
            var instance = factory();
            try
            {
                return await DemoHost.RunAsync(instance, options, console, cancellationToken).ConfigureAwait(false);
            }
            catch (DemoException ex)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
                await error.WriteLineAsync("ngsiflow demo: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
            catch (Exception ex) when (ex is NgsiClientException or HttpRequestException)
            {
                // A broker that answered the version check but refuses the tutorial's requests (permissions, another API).
                await instance.DisposeAsync().ConfigureAwait(false);
                await error.WriteLineAsync("ngsiflow demo: the broker refused a request: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
                await error.WriteLineAsync("ngsiflow demo: stopped.").ConfigureAwait(false);
                return 130;
            }
        });
        return command;
    }

    private static Uri? ParseMqttUrl(string? text, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == "mqtt" && uri.AbsolutePath == "/")
        {
            return uri;
        }

        errors.Add($"--mqtt-broker must be an MQTT URL such as mqtt://localhost:1883 (was '{text}').");
        return null;
    }

    private static Uri? ParseUrl(string? text, string option, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        errors.Add($"{option} must be an http(s) URL such as http://localhost:1026 (was '{text}').");
        return null;
    }
}
