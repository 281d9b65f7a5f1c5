using System.CommandLine;
using NgsiFlow.Cli.Pipelines;
using Spectre.Console;

namespace NgsiFlow.Cli.Commands;

/// <summary>
/// What <c>demo detector</c> and <c>demo regimes</c> share: the summary and dashboard options, reporting bad options
/// (exit code 2), running the demo on the console and turning its summary into the exit code (0 when nothing was lost,
/// 3 when something was, 1 when the demo could not run).
/// </summary>
internal sealed class PipelineDemoCommand
{
    private PipelineDemoCommand(string name) => Name = name;

    public string Name { get; }

    public Option<string?> SummaryJson { get; } = new("--summary-json") { Description = "Also write the summary to this file as JSON." };

    public Option<bool> NoDashboard { get; } = new("--no-dashboard") { Description = "Do not serve the dashboard." };

    public Option<int> DashboardPort { get; } = new("--dashboard-port") { Description = "Port of the dashboard (0 picks a free one).", DefaultValueFactory = _ => 8080 };

    public Option<bool> KeepRunning { get; } = new("--keep-running") { Description = "Keep the dashboard up after the run, until Ctrl+C." };

    /// <summary>Creates the command with its own options followed by the shared ones.</summary>
    public static (Command Command, PipelineDemoCommand Shared) Create(string name, string description, params Option[] options)
    {
        var shared = new PipelineDemoCommand(name);
        var command = new Command(name, description);
        foreach (var option in options.Concat([shared.SummaryJson, shared.NoDashboard, shared.DashboardPort, shared.KeepRunning]))
        {
            command.Options.Add(option);
        }

        return (command, shared);
    }

    /// <summary>Sets the shared options' values on a demo's options.</summary>
    public T Bind<T>(ParseResult parseResult, T options)
        where T : PipelineDemoOptions => (T)(options with
        {
            SummaryJson = parseResult.GetValue(SummaryJson),
            NoDashboard = parseResult.GetValue(NoDashboard),
            DashboardPort = parseResult.GetValue(DashboardPort),
            KeepRunning = parseResult.GetValue(KeepRunning),
        });

    /// <summary>Reports <paramref name="errors"/> (exit code 2) or runs the demo.</summary>
    public async Task<int> RunAsync(ParseResult parseResult, IReadOnlyList<string> errors, Func<IAnsiConsole, Task<PipelineSummary>> run)
    {
        var error = parseResult.InvocationConfiguration.Error;
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
            var summary = await run(console).ConfigureAwait(false);
            return summary["lost"] is long lost && lost == 0 ? 0 : 3;
        }
        catch (PipelineDemoException ex)
        {
            await error.WriteLineAsync($"ngsiflow demo {Name}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Parses an amqp(s) URL option.</summary>
    /// <param name="text">The option's text, or null.</param>
    /// <param name="errors">Where a bad value is reported.</param>
    /// <returns>The URL, or null.</returns>
    public static Uri? ParseAmqp(string? text, List<string> errors)
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
