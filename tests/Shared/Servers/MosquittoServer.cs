using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// Also compiled into the CLI for the MQTT demo and bench, under the CLI's own namespace.
#if NGSIFLOW_CLI
namespace NgsiFlow.Cli.Commands.Bench.Servers;
#else
namespace NgsiFlow.Testing;
#endif

/// <summary>
/// A throwaway mosquitto on a free loopback port, in a temp directory, with persistence on: a server stopped with
/// <see cref="StopAsync"/> (SIGTERM, as a service stop) and started again with <see cref="StartAgainAsync"/> comes
/// back with its persistent sessions and their queued QoS 1/2 messages.
/// </summary>
internal sealed class MosquittoServer : IAsyncDisposable
{
    /// <summary>Where Debian's mosquitto package puts the server.</summary>
    public const string ServerBinary = "/usr/sbin/mosquitto";

    private readonly string _directory;
    private readonly string _config;
    private ServerProcess? _process;

    private MosquittoServer(string directory, int port, string? user, string? password)
    {
        _directory = directory;
        _config = Path.Combine(directory, "mosquitto.conf");
        Port = port;
        User = user;
        Password = password;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The url an Orion subscription names, <c>mqtt://127.0.0.1:PORT</c>.</summary>
    public Uri Uri => new($"mqtt://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The only user allowed in, when the server was started with credentials; anonymous otherwise.</summary>
    public string? User { get; }

    /// <summary>That user's password.</summary>
    public string? Password { get; }

    /// <summary>The server's process id (a new one after <see cref="StartAgainAsync"/>).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("mosquitto is not running.");

    /// <summary>Whether Debian's mosquitto is installed.</summary>
    public static bool IsInstalled => File.Exists(ServerBinary);

    /// <summary>Writes the configuration (and a password file when <paramref name="user"/> is given), starts mosquitto and
    /// returns once it accepts an MQTT connection.</summary>
    public static async Task<MosquittoServer> StartAsync(string? user = null, string? password = null, CancellationToken cancellationToken = default)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException("mosquitto is not installed (Debian package mosquitto: apt-get install mosquitto); ./test.sh installs it.");
        }

        var directory = Directory.CreateTempSubdirectory("ngsiflow-mosquitto-").FullName;
        var server = new MosquittoServer(directory, FreePort.Next(), user, password);
        var auth = "allow_anonymous true";
        if (user is not null)
        {
            var passwords = Path.Combine(directory, "passwords");
            var (code, output) = ServerProcess.Run("/usr/bin/mosquitto_passwd", ["-b", "-c", passwords, user, password ?? string.Empty]);
            if (code != 0)
            {
                throw new InvalidOperationException("mosquitto_passwd failed: " + output);
            }

            auth = $"allow_anonymous false\npassword_file {passwords}";
        }

        // Started as root, mosquitto would switch to the 'mosquitto' user, which cannot write the temp directory.
        // set_tcp_nodelay: without it Nagle holds each small PUBLISH to a subscriber for the previous one's TCP ack.
        // max_queued_messages: a high cap on what a persistent session queues while its client is away (0, "no cap", stalls delivery in 2.0.11).
        await File.WriteAllTextAsync(server._config, $"""
            listener {server.Port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1
            {auth}
            persistence true
            persistence_location {directory}/
            autosave_interval 1
            max_queued_messages 10000000
            max_inflight_messages 100
            set_tcp_nodelay true
            user root
            log_dest stdout
            log_type error
            log_type warning
            log_type notice
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

    /// <summary>Sends SIGKILL to the server by PID, as a crash would; the directory stays.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>Stops the server by PID with SIGTERM (it saves its sessions and queued messages) and waits for it to exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        ServerProcess.Run("/bin/kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port with the same directory, so that it reloads its sessions;
    /// returns once it accepts a connection. A running server is killed first.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        _process?.Dispose();
        _process = ServerProcess.Start(ServerBinary, ["-c", _config], Path.Combine(_directory, "mosquitto.log"));
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

    /// <summary>The last lines of the server's log, for error messages.</summary>
    public string Tail() => _process?.Tail() ?? string.Empty;

    private async Task WaitUntilReadyAsync(ServerProcess process, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited at start:\n{process.Tail()}");
            }

            if (await AcceptsConnectAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"mosquitto did not accept a connection on port {Port.ToString(CultureInfo.InvariantCulture)}:\n{process.Tail()}");
    }

    // An MQTT 3.1.1 CONNECT (clean session, the server's credentials if any); ready once the CONNACK says accepted.
    private async Task<bool> AcceptsConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, (byte)(User is null ? 0x02 : 0xC2), 0, 10 };
            AddString(body, "ngsiflow-probe");
            if (User is not null)
            {
                AddString(body, User);
                AddString(body, Password ?? string.Empty);
            }

            var packet = new List<byte> { 0x10, (byte)body.Count };
            packet.AddRange(body);
            await stream.WriteAsync(packet.ToArray(), timeout.Token).ConfigureAwait(false);
            var answer = new byte[4];
            var length = 0;
            while (length < 4)
            {
                var read = await stream.ReadAsync(answer.AsMemory(length), timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return false;
                }

                length += read;
            }

            await stream.WriteAsync(new byte[] { 0xE0, 0 }, timeout.Token).ConfigureAwait(false);
            return answer[0] == 0x20 && answer[3] == 0;
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

    private static void AddString(List<byte> body, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        body.Add((byte)(bytes.Length >> 8));
        body.Add((byte)bytes.Length);
        body.AddRange(bytes);
    }
}
