using System.Globalization;
using System.Net;

namespace NgsiFlow.Testing;

/// <summary>A throwaway InfluxDB 1.x server on a free loopback port, in a temp directory, for one test run.</summary>
internal sealed class InfluxDbServer : IAsyncDisposable
{
    private readonly string _directory;
    private ServerProcess? _process;

    private InfluxDbServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>The HTTP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The HTTP API's base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Starts influxd and returns once <c>/ping</c> answers 204.</summary>
    public static async Task<InfluxDbServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists("/usr/bin/influxd"))
        {
            throw new InvalidOperationException("InfluxDB is not installed (Debian package influxdb); ./test.sh installs it.");
        }

        var directory = Directory.CreateTempSubdirectory("ngsiflow-influx-").FullName;
        var server = new InfluxDbServer(directory, FreePort.Next());
        var rpcPort = FreePort.Next();
        var config = Path.Combine(directory, "influxdb.conf");
        await File.WriteAllTextAsync(config, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"

            [meta]
              dir = "{directory}/meta"

            [data]
              dir = "{directory}/data"
              wal-dir = "{directory}/wal"
              query-log-enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{server.Port}"
              auth-enabled = false
              log-enabled = false

            [monitor]
              store-enabled = false

            [continuous_queries]
              enabled = false
            """, cancellationToken).ConfigureAwait(false);
        server._process = ServerProcess.Start("/usr/bin/influxd", ["-config", config], Path.Combine(directory, "influxd.log"));

        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"influxd exited at start:\n{server._process.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("ping", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow first answer; try again.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        await server.DisposeAsync().ConfigureAwait(false);
        throw new TimeoutException($"InfluxDB did not answer /ping on port {server.Port}.");
    }

    /// <summary>Stops influxd by PID and deletes its directory.</summary>
    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        ServerProcess.DeleteDirectory(_directory);

        return ValueTask.CompletedTask;
    }
}
