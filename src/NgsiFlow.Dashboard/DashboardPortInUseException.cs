namespace NgsiFlow.Dashboard;

/// <summary>Thrown by <see cref="DashboardServer.StartAsync"/> when the requested port is taken by another program.</summary>
public sealed class DashboardPortInUseException : InvalidOperationException
{
    /// <summary>Creates the exception for a port.</summary>
    /// <param name="host">The address the server tried to listen on.</param>
    /// <param name="port">The port that is in use.</param>
    /// <param name="innerException">The server's own error.</param>
    public DashboardPortInUseException(string host, int port, Exception? innerException)
        : base($"The dashboard cannot listen on {host}:{port}: the port is already in use by another program. Choose another port, or 0 for a free one.", innerException)
    {
        Host = host;
        Port = port;
    }

    /// <summary>Creates the exception with a message.</summary>
    public DashboardPortInUseException()
        : this("127.0.0.1", 0, null)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DashboardPortInUseException(string message)
        : base(message)
    {
        Host = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DashboardPortInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Host = "";
    }

    /// <summary>The address the server tried to listen on.</summary>
    public string Host { get; }

    /// <summary>The port that is in use.</summary>
    public int Port { get; }
}
