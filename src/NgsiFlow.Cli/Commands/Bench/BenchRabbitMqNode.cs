using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// A throwaway RabbitMQ node for <c>bench distributed</c> (Debian's rabbitmq-server, consistent-hash plugin), on free
/// loopback ports in a temp directory, with its own epmd; both stopped by PID and the directory deleted at the end.
/// </summary>
internal sealed class BenchRabbitMqNode : IDisposable
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string CtlScript = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private readonly string _directory;
    private readonly Process _epmd;
    private readonly Process _server;
    private readonly string _pidFile;

    private BenchRabbitMqNode(string directory, Process epmd, Process server, string pidFile, int port)
    {
        _directory = directory;
        _epmd = epmd;
        _server = server;
        _pidFile = pidFile;
        Uri = new Uri($"amqp://guest:guest@127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public Uri Uri { get; }

    public static async Task<BenchRabbitMqNode> StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ServerScript))
        {
            throw new InvalidOperationException("RabbitMQ is not installed (Debian package rabbitmq-server); pass --rabbitmq URL of a running one.");
        }

        var directory = Directory.CreateTempSubdirectory("ngsiflow-bench-rabbitmq-").FullName;
        var port = FreePort();
        var dist = FreePort();
        var epmdPort = FreePort();
        var node = $"ngsiflowbench{port}@localhost";
        var config = Path.Combine(directory, "rabbitmq.conf");
        await File.WriteAllTextAsync(config, $"listeners.tcp.default = 127.0.0.1:{port}\nloopback_users = none\nlog.file = false\nlog.console = true\ndisk_free_limit.absolute = 50MB\n", cancellationToken).ConfigureAwait(false);
        var plugins = Path.Combine(directory, "enabled_plugins");
        await File.WriteAllTextAsync(plugins, "[rabbitmq_consistent_hash_exchange].\n", cancellationToken).ConfigureAwait(false);
        var pidFile = Path.Combine(directory, "rabbitmq.pid");
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = directory,
            ["RABBITMQ_NODENAME"] = node,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = dist.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_PID_FILE"] = pidFile,
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(directory, "advanced.config"),
        };
        var epmd = Start("/usr/bin/epmd", ["-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"], environment);
        var server = Start(ServerScript, [], environment);
        var result = new BenchRabbitMqNode(directory, epmd, server, pidFile, port);
        using var wait = Start(CtlScript, ["-n", node, "wait", pidFile, "--timeout", "90"], environment);
        await wait.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (wait.ExitCode != 0)
        {
            result.Dispose();
            throw new InvalidOperationException($"The throwaway RabbitMQ node did not start (rabbitmqctl wait exited {wait.ExitCode}).");
        }

        return result;
    }

    private static Process Start(string file, string[] arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");

        // Drain the output so that the child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        // Below 32768, outside Linux's ephemeral range, so that no outgoing connection takes it meanwhile.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException("No free loopback port found for RabbitMQ.");
    }

    public void Dispose()
    {
        // The script's Erlang VM writes its own PID: stop that, then the script and epmd, all by PID.
        if (File.Exists(_pidFile) && int.TryParse(File.ReadAllText(_pidFile).Trim(), out var pid))
        {
            try
            {
                using var vm = Process.GetProcessById(pid);
                vm.Kill();
                vm.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        foreach (var process in new[] { _server, _epmd })
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up with the rest of /tmp.
        }
    }
}
