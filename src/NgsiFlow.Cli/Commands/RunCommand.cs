using System.CommandLine;
using Microsoft.Extensions.Logging;
using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Cli.Commands.Hosting;
using NgsiFlow.Dashboard;
using NgsiFlow.Jobs;

namespace NgsiFlow.Cli.Commands;

/// <summary>
/// <c>ngsiflow run JOB [--broker URL] [--dry-run]</c>: checks a job file, makes its subscription and runs it until
/// Ctrl+C, with a status line and a live page; <c>--dry-run</c> prints the resolved plan instead.
/// </summary>
internal static class RunCommand
{
    private const string Example = """
        A job file (YAML or JSON; schema: docs/job.schema.json, guide: docs/jobs.md), for example:

          name: concrete-strength
          broker:
            url: http://localhost:1026      # or: embedded
            tenant: tutorial
            servicePath: /pyspark
          subscribe:
            entities:
              - type: Material
          features:                         # the model's inputs, in its order
            - attribute: cement
            - attribute: slag
            - attribute: ash
            - attribute: water
            - attribute: superplastic
            - attribute: coarseagg
            - attribute: fineagg
            - attribute: age
          model:
            path: concrete-rf150.onnx       # relative to the job file
          outputs:
            - attribute: predicted_strength
            - attribute: prediction_error
              errorAgainst: strength

        Whenever a Material's inputs change, the forest's prediction is written back to it as predicted_strength
        (its own write-backs never notify the job again). samples/jobs holds more: a classifier, windows.
        """;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("JOB") { Description = "The job file (.yaml, .yml or .json)." };
        var broker = new Option<string?>("--broker") { Description = "The broker's URL, instead of the file's broker.url." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file (and the broker's attributes, when it answers), print the resolved plan, and exit." };
        var port = new Option<int?>("--port") { Description = "The receiver's port, instead of the file's receiver.port (0 picks a free one)." };
        var noCheck = new Option<bool>("--no-check") { Description = "Do not ask the broker whether the features' attributes exist." };
        var dashboardPort = new Option<int>("--dashboard-port") { Description = "Port of the live page (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Serve no live page." };
        var statusSeconds = new Option<double>("--status-seconds") { Description = "How often the status line is refreshed (written as a new line when the output is not a terminal).", DefaultValueFactory = _ => 1 };
        var command = new Command("run", "Run a job file: subscribe to the broker, score the model on every update, write the outputs back.")
        {
            file, broker, dryRun, port, noCheck, dashboardPort, noDashboard, statusSeconds,
        };
        ExampleHelp.Set(command, Example);
        var operability = new OperabilityOptions();
        operability.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            Uri? brokerUri = null;
            if (parseResult.GetValue(broker) is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out brokerUri) || brokerUri.Scheme is not ("http" or "https")))
            {
                await error.WriteLineAsync($"--broker must be an absolute http(s) URL (was '{text}').").ConfigureAwait(false);
                return 2;
            }

            if (operability.Validate(parseResult) is { } invalid)
            {
                await error.WriteLineAsync(invalid).ConfigureAwait(false);
                return 2;
            }

            using var loggers = operability.CreateLoggerFactory(parseResult);
            JobPlan plan;
            try
            {
                plan = JobPlan.Resolve(JobFile.Load(parseResult.GetValue(file)!.ToString()), loggers.CreateLogger("NgsiFlow.Inference"));
            }
            catch (JobFileException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 2;
            }

            using (plan)
            {
                if (parseResult.GetValue(dryRun))
                {
                    return await DryRunAsync(plan, brokerUri, !parseResult.GetValue(noCheck), output, error, cancellationToken).ConfigureAwait(false);
                }

                using var telemetry = operability.StartTelemetry(parseResult, "ngsiflow-" + plan.Spec.Name);
                return await RunAsync(plan, new JobRunnerOptions
                {
                    OtherRequests = telemetry?.Endpoint(null),
                    BrokerMiddleware = telemetry is null ? null : telemetry.Endpoint,
                    Broker = brokerUri,
                    ReceiverPort = parseResult.GetValue(port),
                    CheckAttributes = !parseResult.GetValue(noCheck),
                    LoggerFactory = loggers,
                }, parseResult.GetValue(noDashboard) ? null : parseResult.GetValue(dashboardPort), parseResult.GetValue(statusSeconds), output, error, cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static async Task<int> DryRunAsync(JobPlan plan, Uri? brokerUri, bool check, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await output.WriteAsync(plan.Describe()).ConfigureAwait(false);
        var address = brokerUri ?? plan.Spec.Broker.Url;
        if (!check || address is null)
        {
            await output.WriteLineAsync(address is null ? "attributes  not checked (embedded broker: it starts empty)" : "attributes  not checked (--no-check)").ConfigureAwait(false);
            return 0;
        }

        using var connection = BrokerConnection.V2(new NgsiClientOptions { BaseAddress = address, Fiware = plan.Subscription.Fiware, Auth = plan.Spec.Broker.Auth, RequestTimeout = TimeSpan.FromSeconds(5), Retry = { MaxRetries = 0 } });
        try
        {
            var errors = await plan.CheckAttributesAsync(connection, cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                await error.WriteLineAsync(string.Join(Environment.NewLine, errors)).ConfigureAwait(false);
                return 2;
            }

            await output.WriteLineAsync($"attributes  found on {address}").ConfigureAwait(false);
        }
        catch (Exception e) when (e is NgsiClientException or HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"attributes  not checked: {address} did not answer ({e.Message})").ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> RunAsync(JobPlan plan, JobRunnerOptions options, int? dashboardPort, double statusSeconds, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        JobRunner runner;
        try
        {
            runner = await JobRunner.StartAsync(plan, options, cancellationToken).ConfigureAwait(false);
        }
        catch (JobFileException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 1;
        }
        catch (Exception e) when (e is NgsiClientException or HttpRequestException or InvalidOperationException or IOException)
        {
            await error.WriteLineAsync($"The job could not start: {e.Message}").ConfigureAwait(false);
            return 3;
        }

        await using (runner)
        {
            await using var dashboard = dashboardPort is { } p ? await StartDashboardAsync(p, error, cancellationToken).ConfigureAwait(false) : null;
            using var pageStop = new CancellationTokenSource();
            var page = dashboard is null ? Task.CompletedTask : new JobDashboard(dashboard.Feed, runner).RunAsync(pageStop.Token);
            await output.WriteLineAsync($"job {plan.Spec.Name} running: broker {runner.BrokerAddress}, subscription {runner.Subscription.Id}, receiver {runner.NotifyUrl}{(dashboard is null ? string.Empty : $", dashboard {dashboard.BaseAddress}")}; Ctrl+C stops").ConfigureAwait(false);
            var terminal = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
            try
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.1, statusSeconds)));
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    var line = Status(runner);
                    await (terminal ? output.WriteAsync("\r" + line.PadRight(100)) : output.WriteLineAsync(line)).ConfigureAwait(false);
                    await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: delete the subscription, drain, flush.
            }

            await pageStop.CancelAsync().ConfigureAwait(false);
            await page.ConfigureAwait(false);
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await runner.StopAsync(stopTimeout.Token).ConfigureAwait(false);
            await output.WriteLineAsync((terminal ? Environment.NewLine : string.Empty) + "stopped: " + Status(runner)).ConfigureAwait(false);
        }

        return 0;
    }

    private static string Status(JobRunner runner)
    {
        var c = runner.Counters.Snapshot();
        var w = runner.WriteBacks;
        return $"events {c.Events} · predictions {c.Predictions} · write-backs {w.Confirmed} (failed {w.DeadLettered}) · skipped {c.Skipped} · errors {c.Errors}"
            + (c.LastSkipReason is { } skip && c.Skipped > 0 ? $" · last skip: {skip}" : string.Empty)
            + (c.LastError is { } last && c.Errors > 0 ? $" · last error: {last}" : string.Empty);
    }

    private static async Task<DashboardServer?> StartDashboardAsync(int port, TextWriter error, CancellationToken cancellationToken)
    {
        var feed = new DashboardFeed();
        try
        {
            return await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = port }, cancellationToken).ConfigureAwait(false);
        }
        catch (DashboardPortInUseException e)
        {
            await error.WriteLineAsync($"{e.Message}; the job runs without its dashboard.").ConfigureAwait(false);
            await feed.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }
}
