using System.Globalization;

namespace NgsiFlow.Testing;

/// <summary>
/// A throwaway PostgreSQL 15 server on a free loopback port, in a temp directory, for one test run.
/// As root it runs as the <c>postgres</c> user, because initdb refuses root.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private readonly string _directory;
    private readonly string _dataDirectory;
    private readonly bool _asPostgresUser;
    private ServerProcess? _process;

    private PostgresServer(string directory, int port, bool asPostgresUser)
    {
        _directory = directory;
        _dataDirectory = Path.Combine(directory, "data");
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string for the <c>postgres</c> database as the <c>postgres</c> superuser.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Pooling=true;Timeout=15";

    /// <summary>A connection string for another database of this server.</summary>
    public string ConnectionStringFor(string database) => ConnectionString.Replace("Database=postgres", $"Database={database}", StringComparison.Ordinal);

    /// <summary>Initialises a cluster and starts the server; returns once it accepts connections.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(BinDirectory, "postgres")))
        {
            throw new InvalidOperationException("PostgreSQL 15 is not installed (Debian package postgresql); ./test.sh installs it.");
        }

        var directory = Directory.CreateTempSubdirectory("ngsiflow-pg-").FullName;
        var asPostgres = Environment.UserName == "root";
        var server = new PostgresServer(directory, FreePort.Next(), asPostgres);
        if (asPostgres)
        {
            Run("chown", ["-R", "postgres:postgres", directory]);
        }

        var (code, output) = server.RunAsOwner(Path.Combine(BinDirectory, "initdb"), ["-D", server._dataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        if (code != 0)
        {
            throw new InvalidOperationException($"initdb failed ({code}): {output}");
        }

        var log = Path.Combine(directory, "postgres.log");
        var arguments = new List<string>
        {
            "-D", server._dataDirectory, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-k", directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200",
        };
        server._process = asPostgres
            ? ServerProcess.Start("runuser", ["-u", "postgres", "--", Path.Combine(BinDirectory, "postgres"), .. arguments], log)
            : ServerProcess.Start(Path.Combine(BinDirectory, "postgres"), arguments, log);

        await WaitUntilReadyAsync(server, cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Creates an empty database (with the server's <c>createdb</c>).</summary>
    public void CreateDatabase(string database)
    {
        var (code, output) = ServerProcess.Run(Path.Combine(BinDirectory, "createdb"), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", database]);
        if (code != 0)
        {
            throw new InvalidOperationException($"createdb {database} failed ({code}): {output}");
        }
    }

    /// <summary>Stops the server (by PID) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            var pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
            {
                // SIGINT is PostgreSQL's fast shutdown; the process tree kill below is the fallback.
                Run("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
                for (var i = 0; i < 100 && !_process.HasExited; i++)
                {
                    await Task.Delay(50).ConfigureAwait(false);
                }
            }

            _process.Dispose();
        }

        ServerProcess.DeleteDirectory(_directory);
    }

    private static async Task WaitUntilReadyAsync(PostgresServer server, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (server._process!.HasExited)
            {
                throw new InvalidOperationException($"PostgreSQL exited at start:\n{server._process.Tail()}");
            }

            var (code, _) = ServerProcess.Run(Path.Combine(BinDirectory, "pg_isready"), ["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres"]);
            if (code == 0)
            {
                return;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"PostgreSQL did not become ready on port {server.Port}:\n{server._process!.Tail()}");
    }

    private (int ExitCode, string Output) RunAsOwner(string fileName, IEnumerable<string> arguments) =>
        _asPostgresUser ? ServerProcess.Run("runuser", ["-u", "postgres", "--", fileName, .. arguments]) : ServerProcess.Run(fileName, arguments);

    private static void Run(string fileName, IEnumerable<string> arguments) => ServerProcess.Run(fileName, arguments);
}
