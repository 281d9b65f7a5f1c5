using System.Globalization;

// Also compiled into the CLI for `bench distributed`'s throwaway node, under the CLI's own namespace.
#if NGSIFLOW_CLI
namespace NgsiFlow.Cli.Commands.Bench.Servers;
#else
namespace NgsiFlow.Testing;
#endif

/// <summary>
/// A throwaway RabbitMQ node on free loopback ports with the consistent-hash exchange plugin, for one test run.
/// Starts its own epmd on a private port so that both can be stopped by PID. Start takes about five seconds.
/// </summary>
internal sealed class RabbitMqServer : IAsyncDisposable
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string CtlScript = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;
    private ServerProcess? _epmd;
    private ServerProcess? _server;

    private RabbitMqServer(string directory, int port, Dictionary<string, string> environment, string nodeName)
    {
        _directory = directory;
        _environment = environment;
        Port = port;
        NodeName = nodeName;
    }

    /// <summary>The AMQP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The Erlang node name, for rabbitmqctl.</summary>
    public string NodeName { get; }

    /// <summary>The AMQP URI with the default guest account.</summary>
    public Uri Uri => new($"amqp://guest:guest@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Starts the node and returns once it accepts connections.</summary>
    public static async Task<RabbitMqServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(ServerScript))
        {
            throw new InvalidOperationException("RabbitMQ is not installed (Debian package rabbitmq-server; ./test.sh installs it).");
        }

        var directory = Directory.CreateTempSubdirectory("ngsiflow-rabbitmq-").FullName;
        var port = FreePort.Next();
        var distPort = FreePort.Next();
        var epmdPort = FreePort.Next();
        var nodeName = $"ngsiflow{port.ToString(CultureInfo.InvariantCulture)}@localhost";
        var config = Path.Combine(directory, "rabbitmq.conf");
        await File.WriteAllTextAsync(config, $"""
            listeners.tcp.default = 127.0.0.1:{port}
            loopback_users = none
            log.console = true
            log.file = false
            vm_memory_high_watermark.relative = 0.2
            disk_free_limit.absolute = 50MB
            """, cancellationToken).ConfigureAwait(false);
        var plugins = Path.Combine(directory, "enabled_plugins");
        await File.WriteAllTextAsync(plugins, "[rabbitmq_consistent_hash_exchange].\n", cancellationToken).ConfigureAwait(false);

        var environment = new Dictionary<string, string>
        {
            ["HOME"] = directory,
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_PID_FILE"] = Path.Combine(directory, "rabbitmq.pid"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(directory, "advanced.config"),
        };
        var server = new RabbitMqServer(directory, port, environment, nodeName);

        // An epmd of our own, in the foreground, so it is stopped by PID with the node.
        server._epmd = ServerProcess.Start("/usr/bin/epmd", ["-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"], Path.Combine(directory, "epmd.log"), environment);
        server._server = ServerProcess.Start(ServerScript, [], Path.Combine(directory, "rabbitmq.log"), environment);

        var (code, output) = await Task.Run(() => ServerProcess.Run(CtlScript, ["-n", nodeName, "wait", environment["RABBITMQ_PID_FILE"], "--timeout", "90"], environment, TimeSpan.FromSeconds(100)), cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            var tail = server._server.Tail();
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"RabbitMQ did not start ({code}): {output}\n{tail}");
        }

        return server;
    }

    /// <summary>Runs rabbitmqctl against this node (for example <c>list_queues</c>).</summary>
    public (int ExitCode, string Output) Ctl(params string[] arguments) => ServerProcess.Run(CtlScript, ["-n", NodeName, .. arguments], _environment);

    /// <summary>Stops the node and its epmd by PID and deletes the directory.</summary>
    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        var pidFile = _environment["RABBITMQ_PID_FILE"];
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            ServerProcess.Run("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
        }

        _epmd?.Dispose();
        ServerProcess.DeleteDirectory(_directory);

        return ValueTask.CompletedTask;
    }
}
