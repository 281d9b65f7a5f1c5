using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// Also compiled into the CLI for `bench distributed`'s throwaway node, under the CLI's own namespace.
#if NGSIFLOW_CLI
namespace NgsiFlow.Cli.Commands.Bench.Servers;
#else
namespace NgsiFlow.Testing;
#endif

/// <summary>
/// A throwaway Redis server on a free loopback port, in a temp directory, for one test run.
/// Every write goes to the append-only file before it is acknowledged (<c>appendfsync always</c>), so a server
/// that is killed and started again with <see cref="StartAgainAsync"/> comes back with all acknowledged writes.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private const string ServerBinary = "/usr/bin/redis-server";
    private readonly string _directory;
    private readonly string _config;
    private ServerProcess? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        _config = Path.Combine(directory, "redis.conf");
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string, <c>127.0.0.1:PORT</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The server's process id (a new one after <see cref="StartAgainAsync"/>).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Redis is not running.");

    /// <summary>Writes the configuration, starts redis-server and returns once it answers <c>PING</c>.</summary>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(ServerBinary))
        {
            throw new InvalidOperationException("Redis is not installed (Debian package redis-server); ./test.sh installs it.");
        }

        var directory = Directory.CreateTempSubdirectory("ngsiflow-redis-").FullName;
        var server = new RedisServer(directory, FreePort.Next());
        await File.WriteAllTextAsync(server._config, $"""
            port {server.Port.ToString(CultureInfo.InvariantCulture)}
            bind 127.0.0.1
            dir {directory}
            appendonly yes
            appendfsync always
            save ""
            protected-mode no
            daemonize no
            """, cancellationToken).ConfigureAwait(false);

        try
        {
            await server.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Sends SIGKILL to the server by PID and waits for it to exit, as a crash would; the directory stays.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>
    /// Starts the server again on the same port with the same directory and configuration, so that it reloads the
    /// append-only file; returns once it answers <c>PING</c> (which it does only after loading). A running server
    /// is killed first.
    /// </summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        _process?.Dispose();
        _process = ServerProcess.Start(ServerBinary, [_config], Path.Combine(_directory, "redis.log"));
        await WaitUntilReadyAsync(_process, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server by PID and deletes its directory.</summary>
    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        ServerProcess.DeleteDirectory(_directory);

        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilReadyAsync(ServerProcess process, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at start:\n{process.Tail()}");
            }

            if (await AnswersPingAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"Redis did not answer PING on port {Port.ToString(CultureInfo.InvariantCulture)}:\n{process.Tail()}");
    }

    // A PING in the inline protocol; a server still loading its append-only file answers -LOADING instead of +PONG.
    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[256];
            var length = 0;
            while (length < buffer.Length && Array.IndexOf(buffer, (byte)'\n', 0, length) < 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return Encoding.ASCII.GetString(buffer, 0, length).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
