using System.Globalization;
using System.Net;
using System.Net.Sockets;

// Also compiled into the CLI for `bench distributed`'s throwaway node, under the CLI's own namespace.
#if NGSIFLOW_CLI
namespace NgsiFlow.Cli.Commands.Bench.Servers;
#else
namespace NgsiFlow.Testing;
#endif

/// <summary>
/// A throwaway nginx on a free loopback port, in a temp directory, as a load balancer in front of HTTP nodes on
/// 127.0.0.1 (round robin over an upstream of their ports). A request that meets a dead node (connection refused,
/// timeout, 502, 503) is passed on to the next node, POSTs included; the upstream can be replaced while it runs.
/// </summary>
internal sealed class NginxServer : IAsyncDisposable
{
    private const string ServerBinary = "/usr/sbin/nginx";
    private readonly string _directory;
    private readonly string _config;
    private readonly string _errorLog;
    private ServerProcess? _process;

    private NginxServer(string directory, int port)
    {
        _directory = directory;
        _config = Path.Combine(directory, "nginx.conf");
        _errorLog = Path.Combine(directory, "error.log");
        Port = port;
    }

    /// <summary>The HTTP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The load balancer's base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The master process's id.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("nginx is not running.");

    /// <summary>Starts nginx in front of the nodes listening on <paramref name="upstreamPorts"/>; returns once its port accepts connections.</summary>
    public static async Task<NginxServer> StartAsync(IReadOnlyList<int> upstreamPorts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upstreamPorts);
        if (!File.Exists(ServerBinary))
        {
            throw new InvalidOperationException("nginx is not installed (Debian package nginx-light); ./test.sh installs it.");
        }

        var directory = Directory.CreateTempSubdirectory("ngsiflow-nginx-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // As root the workers run as nobody: they must reach the temp paths (request bodies are buffered there).
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var server = new NginxServer(directory, FreePort.Next());
        try
        {
            await File.WriteAllTextAsync(server._config, Config(directory, server.Port, upstreamPorts), cancellationToken).ConfigureAwait(false);
            server._process = ServerProcess.Start(ServerBinary, ["-p", directory, "-c", server._config, "-g", "daemon off;"], Path.Combine(directory, "nginx.log"));
            await server.WaitUntilListeningAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>
    /// The nginx.conf for a load balancer on <paramref name="port"/> in front of <paramref name="upstreamPorts"/>,
    /// with its pid file, error log and temp paths in <paramref name="directory"/> (<c>daemon off</c> is given on the command line).
    /// </summary>
    internal static string Config(string directory, int port, IReadOnlyList<int> upstreamPorts)
    {
        ArgumentNullException.ThrowIfNull(upstreamPorts);
        if (upstreamPorts.Count == 0)
        {
            throw new ArgumentException("nginx needs at least one upstream server.", nameof(upstreamPorts));
        }

        var servers = string.Join('\n', upstreamPorts.Select(upstream =>
            $"        server 127.0.0.1:{upstream.ToString(CultureInfo.InvariantCulture)} max_fails=1 fail_timeout=3s;"));

        return $$"""
            worker_processes 1;
            pid "{{directory}}/nginx.pid";
            error_log "{{directory}}/error.log" warn;

            events {
                worker_connections 1024;
            }

            http {
                client_body_temp_path "{{directory}}/client_body_temp";
                proxy_temp_path "{{directory}}/proxy_temp";
                fastcgi_temp_path "{{directory}}/fastcgi_temp";
                uwsgi_temp_path "{{directory}}/uwsgi_temp";
                scgi_temp_path "{{directory}}/scgi_temp";
                access_log off;

                upstream nodes {
            {{servers}}
                    keepalive 32;
                }

                server {
                    listen 127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}};
                    client_max_body_size 0;

                    location / {
                        proxy_pass http://nodes;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_connect_timeout 1s;
                        # A node holds a notification at most its commit timeout (10 s) before it answers 503.
                        proxy_read_timeout 15s;
                        proxy_send_timeout 15s;
                        # Another node takes a request whose node is gone (refused, reset, silent); a node's own 503
                        # goes back to the sender as it is, and does not mark the node as failed.
                        proxy_next_upstream error timeout non_idempotent;
                        proxy_next_upstream_tries 3;
                        proxy_next_upstream_timeout 30s;
                    }
                }
            }

            """;
    }

    /// <summary>
    /// Replaces the upstream with the nodes on <paramref name="upstreamPorts"/>: rewrites the configuration and sends
    /// SIGHUP to the master, then returns once a worker with the new configuration runs and every old worker has
    /// stopped accepting (it finishes its requests in flight). Throws if nginx rejects the new configuration.
    /// </summary>
    public async Task SetUpstreamsAsync(IReadOnlyList<int> upstreamPorts, CancellationToken cancellationToken = default)
    {
        var process = _process ?? throw new InvalidOperationException("nginx is not running.");
        var text = Config(_directory, Port, upstreamPorts);
        var before = Workers();
        var errorLogLength = File.Exists(_errorLog) ? new FileInfo(_errorLog).Length : 0;
        await File.WriteAllTextAsync(_config, text, cancellationToken).ConfigureAwait(false);
        Signal("-HUP", process.Id);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited on reload:\n{ErrorLog()}\n{process.Tail()}");
            }

            var added = ErrorLog(errorLogLength);
            if (added.Contains("[emerg]", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"nginx rejected the new configuration:\n{added}");
            }

            // An old worker that got the reload has closed its listening socket and renamed itself "... is shutting down".
            var now = Workers();
            var started = now.Keys.Any(pid => !before.ContainsKey(pid));
            var oldAccepting = now.Any(w => before.ContainsKey(w.Key) && !w.Value.Contains("shutting down", StringComparison.Ordinal));
            if (started && !oldAccepting)
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"nginx did not reload within 10 s:\n{ErrorLog()}");
    }

    /// <summary>Stops nginx by PID (SIGTERM to the master, then SIGKILL; workers left behind by PID too) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            var workers = Workers();
            if (!_process.HasExited)
            {
                Signal("-TERM", _process.Id);
                for (var i = 0; i < 100 && !_process.HasExited; i++)
                {
                    await Task.Delay(50).ConfigureAwait(false);
                }
            }

            _process.Dispose();
            foreach (var pid in workers.Keys)
            {
                if (IsNginxWorker(pid))
                {
                    Signal("-KILL", pid);
                }
            }

            _process = null;
        }

        ServerProcess.DeleteDirectory(_directory);
    }

    private static void Signal(string signal, int pid) => ServerProcess.Run("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)]);

    private static bool IsNginxWorker(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").StartsWith("nginx: worker", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    // The master's children (its workers) by PID, with their titles ("nginx: worker process [is shutting down]").
    private Dictionary<int, string> Workers()
    {
        var workers = new Dictionary<int, string>();
        if (_process is null || _process.HasExited)
        {
            return workers;
        }

        var (_, output) = ServerProcess.Run("pgrep", ["-a", "-P", _process.Id.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10));
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var pidText = space < 0 ? line : line[..space];
            if (int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                workers[pid] = space < 0 ? string.Empty : line[(space + 1)..];
            }
        }

        return workers;
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var process = _process!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited at start:\n{ErrorLog()}\n{process.Tail()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"nginx did not listen on port {Port.ToString(CultureInfo.InvariantCulture)}:\n{ErrorLog()}\n{process.Tail()}");
    }

    // The error log from byte offset `from` on (what nginx wrote after it), or an empty string if there is none.
    private string ErrorLog(long from = 0)
    {
        try
        {
            using var stream = new FileStream(_errorLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
