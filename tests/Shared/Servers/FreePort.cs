using System.Net;
using System.Net.Sockets;

// Also compiled into the CLI for `bench distributed`'s throwaway node, under the CLI's own namespace.
#if NGSIFLOW_CLI
namespace NgsiFlow.Cli.Commands.Bench.Servers;
#else
namespace NgsiFlow.Testing;
#endif

/// <summary>Finds free loopback ports below 32768, outside the kernel's ephemeral range.</summary>
internal static class FreePort
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Handed = [];

    /// <summary>A loopback TCP port that nothing listens on now and that this process has not handed out before.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var port = Random.Shared.Next(20000, 32767);
                if (Handed.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                Handed.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException("No free loopback port found between 20000 and 32767.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
