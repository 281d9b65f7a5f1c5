using System.Diagnostics;

namespace NgsiFlow.Cli.Tests.Infrastructure;

/// <summary>
/// Runs the built <c>ngsiflow.dll</c> (copied next to the test assembly by the project reference) as a child
/// process, for what only the real entry point shows: Program.cs's command list, and a server that must be
/// stopped by its PID.
/// </summary>
internal static class CliProcess
{
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "ngsiflow.dll");

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No first-run banners or telemetry noise in the captured output.
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return info;
    }

    /// <summary>Runs to completion (killed by PID after two minutes, which fails the test).</summary>
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ngsiflow {string.Join(' ', args)} did not finish.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
