using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using NgsiFlow.Testing;

namespace NgsiFlow.RabbitMq.Tests;

/// <summary>The built <c>ngsiflow</c> CLI run as a real child process, its output collected line by line.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _errors = new();

    private CliProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>The CLI built beside this test assembly's configuration (the test project builds it first).</summary>
    public static string CliPath
    {
        get
        {
            var configuration = typeof(CliProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var path = TestPaths.InRepository("src", "NgsiFlow.Cli", "bin", configuration, "net10.0", "ngsiflow.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The ngsiflow CLI was not built at {path}; build the test project (it references the CLI).", path);
        }
    }

    public static CliProcess Start(string name, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var cli = new CliProcess(process, name);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (cli._lines)
                {
                    cli._lines.Add(line);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (cli._errors)
                {
                    cli._errors.AppendLine(line);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Waits for an output line matching <paramref name="match"/>; fails naming the process and its output.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = Lines.FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            if (_process.HasExited)
            {
                await Task.Delay(200);
                break;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Name} did not print {what} within {timeout.TotalSeconds:0} s (exited: {_process.HasExited}).\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Errors}");
    }

    public void Signal(string signal) => Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s.\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Errors}");
        }

        // The asynchronous readers may still hold the last lines.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal("KILL");
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
