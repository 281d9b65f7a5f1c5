using Microsoft.Extensions.Logging;

namespace NgsiFlow.Dashboard;

/// <summary>Settings of a standalone <see cref="DashboardServer"/>; validated by <see cref="DashboardServer.StartAsync"/>.</summary>
public sealed class DashboardServerOptions
{
    /// <summary>The feed to show. Required.</summary>
    public DashboardFeed? Feed { get; set; }

    /// <summary>The TCP port; 0 (the default) picks a free one, see <see cref="DashboardServer.BaseAddress"/>.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The address to listen on: <c>127.0.0.1</c> (the default: only this machine), <c>localhost</c>, an IP address,
    /// or <c>*</c> for every interface.
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The path the page lives at. Default <c>/</c>.</summary>
    public string PathBase { get; set; } = "/";

    /// <summary>Configures the server's logging; by default it logs nothing, so that it does not disturb a job's console output.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that is wrong.</summary>
    /// <exception cref="ArgumentException">A setting is wrong.</exception>
    public void Validate()
    {
        if (Feed is null)
        {
            throw new ArgumentException("DashboardServerOptions.Feed is required: create a DashboardFeed and pass it.", nameof(Feed));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"DashboardServerOptions.Port must be between 0 and 65535 (was {Port}).", nameof(Port));
        }

        if (string.IsNullOrWhiteSpace(Host) || (Host is not ("*" or "localhost") && !System.Net.IPAddress.TryParse(Host, out _)))
        {
            throw new ArgumentException($"DashboardServerOptions.Host must be an IP address, 'localhost' or '*' (was '{Host}').", nameof(Host));
        }

        if (string.IsNullOrEmpty(PathBase) || PathBase[0] != '/')
        {
            throw new ArgumentException($"DashboardServerOptions.PathBase must start with '/' (was '{PathBase}').", nameof(PathBase));
        }
    }
}
