using System.CommandLine;
using System.Globalization;
using NgsiFlow.Cli.Commands;
using NgsiFlow.Cli.Commands.Predict;

namespace NgsiFlow.Cli.Tests.Infrastructure;

/// <summary>What one command run produced.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Both streams, for failure messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>
/// Runs the CLI's commands in this process with captured output. Program.cs is top-level code that writes to the
/// console, so the commands are registered here the way Program.cs registers them; <see cref="CliProcess"/> runs
/// the real entry point for what depends on Program.cs itself (help, unknown commands).
/// </summary>
internal static class CliRunner
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("NgsiFlow CLI under test.");
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(BrokerCommand.Create());
        root.Subcommands.Add(ParseCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SqlCommand.Create());
        root.Subcommands.Add(VersionCommand.Create());
        return root;
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public static async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CreateRoot().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
