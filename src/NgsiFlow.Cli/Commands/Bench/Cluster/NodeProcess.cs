using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NgsiFlow.Cluster;

namespace NgsiFlow.Cli.Commands.Bench.Cluster;

/// <summary>One <c>ngsiflow node</c> run as a real child process (bench cluster and the cluster tests), stopped by PID.</summary>
internal sealed class NodeProcess : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _errors = new();

    private NodeProcess(Process process, string name, int port, int siloPort)
    {
        _process = process;
        Name = name;
        Port = port;
        SiloPort = siloPort;
    }

    public string Name { get; }

    /// <summary>The receiver's port on 127.0.0.1.</summary>
    public int Port { get; }

    public int SiloPort { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

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

    /// <summary>Starts <c>dotnet {cli} node {arguments}</c>.</summary>
    public static NodeProcess Start(string cliPath, string name, int port, int siloPort, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(cliPath);
        info.ArgumentList.Add("node");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--silo-port");
        info.ArgumentList.Add(siloPort.ToString(CultureInfo.InvariantCulture));
        info.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(process, name, port, siloPort);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (node._lines)
                {
                    node._lines.Add(line);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (node._errors)
                {
                    node._errors.AppendLine(line);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until the node printed its ready line; throws with its output when it exits or times out first.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Lines.Any(l => l.StartsWith("node ready", StringComparison.Ordinal)))
            {
                return;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Name} did not get ready within {timeout.TotalSeconds:0} s (exited: {_process.HasExited}).\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Errors}");
    }

    /// <summary>This node's counters from <c>GET /cluster/stats</c>; null when it does not answer.</summary>
    public async Task<ClusterStatistics?> StatisticsAsync(HttpClient http, CancellationToken cancellationToken) =>
        (await StatusAsync(http, cancellationToken).ConfigureAwait(false))?.Statistics;

    /// <summary>This node's view from <c>GET /cluster/stats</c> (its counters, the active silos, the subscription ids); null when it does not answer.</summary>
    public async Task<NodeStatus?> StatusAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            return await http.GetFromJsonAsync<NodeStatus>(new Uri(BaseAddress, "cluster/stats"), Json, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The counters of the node's last JSON line on stdout (its final report after a stop).</summary>
    public ClusterStatistics? LastReport()
    {
        var line = Lines.LastOrDefault(l => l.StartsWith('{'));
        return line is null ? null : JsonSerializer.Deserialize<NodeStatus>(line, Json)?.Statistics;
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s.\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Errors}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal("CONT");
            Signal("KILL");
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

}

/// <summary>A node's answer to <c>GET /cluster/stats</c>.</summary>
internal sealed record NodeStatus(string Silo, IReadOnlyList<string>? ActiveSilos, IReadOnlyList<string>? Subscriptions, ClusterStatistics Statistics);
