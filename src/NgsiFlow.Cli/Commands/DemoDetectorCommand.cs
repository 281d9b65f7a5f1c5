using System.CommandLine;
using NgsiFlow.Cli.Demo.Detector;
using NgsiFlow.Cli.Pipelines;
using Spectre.Console;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow demo detector</c>: detector-hit histograms every 5 s, in process or on RabbitMQ, with a live dashboard.</summary>
internal static class DemoDetectorCommand
{
    public static Command Create()
    {
        var rabbitMq = new Option<string?>("--rabbitmq") { Description = "Run data_raw and data_clean on this RabbitMQ server (e.g. amqp://guest:guest@127.0.0.1:5672/) instead of in process." };
        var seconds = new Option<double>("--seconds") { Description = "How long to generate hits.", DefaultValueFactory = _ => 30 };
        var hits = new Option<long?>("--hits") { Description = "Stop after this many records (with --rate 0: as fast as possible, for throughput)." };
        var rate = new Option<double>("--rate") { Description = "Records per second; 0 generates them as fast as the pipeline takes them.", DefaultValueFactory = _ => 20_000 };
        var fast = new Option<bool>("--as-fast-as-possible") { Description = "Same as --rate 0." };
        var batchSeconds = new Option<double>("--batch-seconds") { Description = "The micro-batch interval.", DefaultValueFactory = _ => 5 };
        var lines = new Option<int>("--lines-per-message") { Description = "CSV lines per RabbitMQ message.", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Seed of the hit generator.", DefaultValueFactory = _ => 1 };
        var summaryJson = new Option<string?>("--summary-json") { Description = "Also write the summary to this file as JSON." };
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Do not serve the dashboard." };
        var dashboardPort = new Option<int>("--dashboard-port") { Description = "Port of the dashboard (0 picks a free one).", DefaultValueFactory = _ => 8080 };
        var keepRunning = new Option<bool>("--keep-running") { Description = "Keep the dashboard up after the run, until Ctrl+C." };

        var command = new Command("detector", "Detector monitoring: synthetic hits on data_raw (10 partitions), histograms per chamber every 5 s on data_clean, live dashboard.");
        foreach (var option in new Option[] { rabbitMq, seconds, hits, rate, fast, batchSeconds, lines, seed, summaryJson, noDashboard, dashboardPort, keepRunning })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var errors = new List<string>();
            var options = new DetectorDemoOptions
            {
                RabbitMq = ParseAmqp(parseResult.GetValue(rabbitMq), errors),
                Seconds = parseResult.GetValue(seconds),
                Hits = parseResult.GetValue(hits),
                Rate = parseResult.GetValue(fast) ? 0 : parseResult.GetValue(rate),
                Interval = TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(batchSeconds))),
                LinesPerMessage = parseResult.GetValue(lines),
                Seed = parseResult.GetValue(seed),
                SummaryJson = parseResult.GetValue(summaryJson),
                NoDashboard = parseResult.GetValue(noDashboard),
                DashboardPort = parseResult.GetValue(dashboardPort),
                KeepRunning = parseResult.GetValue(keepRunning),
            };
            if (parseResult.GetValue(fast) && parseResult.GetValue(hits) is not null && parseResult.GetResult(seconds) is null)
            {
                options = options with { Seconds = 3600 };
            }

            errors.AddRange(options.Validate());
            if (errors.Count > 0)
            {
                foreach (var message in errors)
                {
                    await error.WriteLineAsync(message).ConfigureAwait(false);
                }

                return 2;
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parseResult.InvocationConfiguration.Output) });
            try
            {
                var summary = await DetectorDemo.RunAsync(options, console, null, cancellationToken).ConfigureAwait(false);
                return summary["lost"] is long lost && lost == 0 ? 0 : 3;
            }
            catch (PipelineDemoException ex)
            {
                await error.WriteLineAsync("ngsiflow demo detector: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Parses an amqp(s) URL option.</summary>
    /// <param name="text">The option's text, or null.</param>
    /// <param name="errors">Where a bad value is reported.</param>
    /// <returns>The URL, or null.</returns>
    internal static Uri? ParseAmqp(string? text, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps")
        {
            return uri;
        }

        errors.Add($"--rabbitmq must be an amqp:// URL such as amqp://guest:guest@127.0.0.1:5672/ (was '{text}').");
        return null;
    }
}
