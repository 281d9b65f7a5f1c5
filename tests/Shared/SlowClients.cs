using System.Net.Sockets;
using System.Text;

namespace NgsiFlow.Testing;

/// <summary>
/// Slowloris: many connections that each send a request's headers a byte at a time and never finish them. The server
/// must keep serving normal requests, and close these once its headers timeout is up.
/// </summary>
internal sealed class SlowClients : IAsyncDisposable
{
    private readonly List<TcpClient> _clients;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _dribble;
    private int _closedByServer;

    private SlowClients(List<TcpClient> clients, TimeSpan interval)
    {
        _clients = clients;
        _dribble = Task.Run(() => DribbleAsync(interval));
    }

    /// <summary>Connections the server closed (a write failed or a read returned end of stream).</summary>
    public int ClosedByServer => Volatile.Read(ref _closedByServer);

    public int Count => _clients.Count;

    public static async Task<SlowClients> OpenAsync(int port, int count, TimeSpan interval)
    {
        var clients = new List<TcpClient>(count);
        for (var i = 0; i < count; i++)
        {
            var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            clients.Add(client);
        }

        return new SlowClients(clients, interval);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _dribble;
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task DribbleAsync(TimeSpan interval)
    {
        var request = Encoding.ASCII.GetBytes("POST /notify/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: " + new string('x', 4096));
        var open = new bool[_clients.Count];
        Array.Fill(open, true);
        for (var at = 0; !_stop.IsCancellationRequested; at++)
        {
            for (var i = 0; i < _clients.Count; i++)
            {
                if (!open[i])
                {
                    continue;
                }

                try
                {
                    var stream = _clients[i].GetStream();
                    await stream.WriteAsync(request.AsMemory(at % request.Length, 1));
                    if (_clients[i].Client.Poll(0, SelectMode.SelectRead) && _clients[i].Available == 0)
                    {
                        throw new IOException("closed by the server");
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    open[i] = false;
                    Interlocked.Increment(ref _closedByServer);
                }
            }

            try
            {
                await Task.Delay(interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
