using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests.Demo;

/// <summary>
/// <c>ngsiflow demo</c> as a user runs it: the built command in a child process (its own working directory, so the
/// model and data are found the way a clone finds them), stopped by PID when a test ends early.
/// </summary>
internal sealed class DemoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private DemoProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public static string CommandPath
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "ngsiflow.dll");
            return File.Exists(beside) ? beside : TestPaths.InRepository("src", "NgsiFlow.Cli", "bin", "Release", "net10.0", "ngsiflow.dll");
        }
    }

    public static DemoProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(CommandPath);
        start.ArgumentList.Add("demo");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var demo = new DemoProcess(process);
        process.OutputDataReceived += (_, e) => demo.Append(demo._output, e.Data);
        process.ErrorDataReceived += (_, e) => demo.Append(demo._error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return demo;
    }

    /// <summary>Runs the demo to its end and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var demo = Start(arguments);
        var code = await demo.WaitForExitAsync(timeout);
        return (code, demo.Output, demo.Error);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public static JsonElement ReadSummary(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }
}
