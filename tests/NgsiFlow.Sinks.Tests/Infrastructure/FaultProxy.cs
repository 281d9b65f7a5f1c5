using System.Net;
using System.Net.Sockets;

namespace NgsiFlow.Sinks.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback in front of a real server that can cut connections (the server looks down) or hold
/// traffic (the server looks slow), to prove retries and acknowledgement-after-write against the real thing.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _acceptLoop;
    private volatile bool _refusing;
    private TaskCompletionSource _gate = Open();

    public FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int ConnectionsAccepted { get; private set; }

    /// <summary>Cuts every open connection and resets new ones until <see cref="Forward"/>.</summary>
    public void Refuse()
    {
        _refusing = true;
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                Abort(connection);
            }

            _connections.Clear();
        }
    }

    /// <summary>Keeps connections open but stops moving bytes until <see cref="Forward"/>.</summary>
    public void Hold()
    {
        lock (_connections)
        {
            if (_gate.Task.IsCompleted)
            {
                _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Back to normal: accepts connections and forwards traffic.</summary>
    public void Forward()
    {
        _refusing = false;
        lock (_connections)
        {
            _gate.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Forward();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                Abort(connection);
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private static void Abort(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            ConnectionsAccepted++;
            if (_refusing)
            {
                Abort(client);
                continue;
            }

            _ = Task.Run(() => PipeAsync(client));
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(upstream);
            }

            var down = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(CopyAsync(down, up), CopyAsync(up, down));
        }
        catch (Exception)
        {
            // A cut connection ends here; the client sees the reset.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(client);
                _connections.Remove(upstream);
            }

            Abort(client);
            Abort(upstream);
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            Task gate;
            lock (_connections)
            {
                gate = _gate.Task;
            }

            await gate.WaitAsync(_stop.Token);
            if (_refusing)
            {
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
