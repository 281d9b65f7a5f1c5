using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests;

/// <summary>`dotnet pack` of the built solution: one package per library, with symbols, and the ngsiflow dotnet tool
/// that installs from the folder and runs.</summary>
public sealed class PackagingTests : IDisposable
{
    private static readonly string[] Libraries =
        ["NgsiFlow.Ngsi", "NgsiFlow.Client", "NgsiFlow.Engine", "NgsiFlow.Connector", "NgsiFlow.Inference", "NgsiFlow.Sinks",
         "NgsiFlow.Broker", "NgsiFlow.Dashboard", "NgsiFlow.Cluster", "NgsiFlow.Jobs", "NgsiFlow.Telemetry"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ngsiflow-pack-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Pack_makes_a_package_per_library_and_a_tool_that_installs_and_prints_its_version()
    {
        var configuration = typeof(PackagingTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var artifacts = Path.Combine(_directory, "artifacts");

        // What the suite built already, packed as tools/pack.sh packs it (without rebuilding under the running tests).
        var pack = await RunAsync("dotnet", ["pack", TestPaths.InRepository("NgsiFlow.slnx"), "-c", configuration, "--no-build", "-o", artifacts, "--nologo"]);
        pack.Code.ShouldBe(0, pack.Output);

        foreach (var library in Libraries.Append("NgsiFlow.Cli"))
        {
            var nupkg = Path.Combine(artifacts, $"{library}.0.1.0.nupkg");
            File.Exists(nupkg).ShouldBeTrue($"{library}: {string.Join(", ", Directory.GetFiles(artifacts).Select(Path.GetFileName))}");
            File.Exists(Path.ChangeExtension(nupkg, ".snupkg")).ShouldBeTrue($"{library} has no symbol package");
            using var zip = ZipFile.OpenRead(nupkg);
            zip.GetEntry("README.md").ShouldNotBeNull($"{library} has no README");
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var text = await nuspec.ReadToEndAsync();
            text.ShouldContain("<license type=\"expression\">MIT</license>");
            text.ShouldContain("<description>");
            if (library == "NgsiFlow.Cli")
            {
                text.ShouldContain("<packageType name=\"DotnetTool\" />");
            }
        }

        var tools = Path.Combine(_directory, "tools");
        var install = await RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", artifacts, "NgsiFlow.Cli", "--version", "0.1.0"]);
        install.Code.ShouldBe(0, install.Output);
        var version = await RunAsync(Path.Combine(tools, "ngsiflow"), ["--version"]);
        version.Code.ShouldBe(0, version.Output);
        version.Output.Trim().ShouldStartWith("0.1.0");
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
