using System.Text.RegularExpressions;
using System.Xml.Linq;
using NgsiFlow.Cli.Tests.Infrastructure;
using NgsiFlow.Testing;

namespace NgsiFlow.Cli.Tests;

/// <summary>The real entry point (Program.cs) run as <c>dotnet ngsiflow.dll</c>, and <c>ngsiflow version</c>.</summary>
public sealed class ProgramTests
{
    /// <summary>The version the build stamps, read from Directory.Build.props rather than from the CLI.</summary>
    private static string ProductVersion() =>
        XDocument.Load(TestPaths.InRepository("Directory.Build.props")).Descendants("Version").Single().Value;

    [Fact]
    public async Task Help_listsEveryCommandWithItsDescription()
    {
        var result = await CliProcess.RunAsync("--help");

        result.ExitCode.ShouldBe(0, result.ToString());
        var commands = CliRunner.CreateRoot().Subcommands.Select(c => (c.Name, c.Description)).Append(("bench", null)).ToList();
        commands.Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (var (name, description) in commands)
        {
            Regex.IsMatch(result.Output, $@"^\s+{Regex.Escape(name)}\b", RegexOptions.Multiline).ShouldBeTrue($"{name} not listed:\n{result.Output}");
            if (description is not null)
            {
                result.Output.ShouldContain(description);
            }
        }
    }

    [Fact]
    public async Task Help_ofBench_listsTheBenchmarks()
    {
        var result = await CliProcess.RunAsync("bench", "--help");

        result.ExitCode.ShouldBe(0, result.ToString());
        foreach (var name in new[] { "broker", "inference", "engine", "sinks" })
        {
            Regex.IsMatch(result.Output, $@"^\s+{name}\b", RegexOptions.Multiline).ShouldBeTrue($"bench {name} not listed:\n{result.Output}");
        }
    }

    [Fact]
    public async Task Help_ofRun_endsWithAnExampleJobFile_thatTheRootHelpLeavesOut()
    {
        var run = await CliProcess.RunAsync("run", "--help");
        var root = await CliProcess.RunAsync("--help");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("--dry-run");
        run.Output.ShouldContain("name: concrete-strength");
        run.Output.IndexOf("name: concrete-strength", StringComparison.Ordinal).ShouldBeGreaterThan(run.Output.IndexOf("--dry-run", StringComparison.Ordinal));
        root.Output.ShouldNotContain("name: concrete-strength");
    }

    [Fact]
    public async Task Version_childProcess_printsTheProductVersionAndRuntime()
    {
        var result = await CliProcess.RunAsync("version");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Output.ShouldStartWith($"ngsiflow {ProductVersion()}");
        result.Output.ShouldContain($".NET {Environment.Version.Major}.");
    }

    [Fact]
    public async Task Version_inProcess_printsOneLineWithTheProductVersion()
    {
        var result = await CliRunner.RunAsync("version");

        result.ExitCode.ShouldBe(0);
        result.Error.ShouldBeEmpty();
        result.Output.TrimEnd().Split('\n').Length.ShouldBe(1);
        result.Output.ShouldStartWith($"ngsiflow {ProductVersion()}");
    }

    [Fact]
    public async Task UnknownCommand_failsNamingIt()
    {
        var result = await CliProcess.RunAsync("frobnicate");

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("frobnicate");
    }
}
