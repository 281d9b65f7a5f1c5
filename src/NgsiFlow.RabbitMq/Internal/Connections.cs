using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace NgsiFlow.RabbitMq.Internal;

/// <summary>Opens recovering connections and turns the client's failures into one clear error.</summary>
internal static class Connections
{
    public static async Task<IConnection> OpenAsync(RabbitMqOptions options, string role, CancellationToken cancellationToken)
    {
        options.Validate();
        var factory = new ConnectionFactory
        {
            Uri = options.Uri!,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            RequestedConnectionTimeout = options.ConnectTimeout,
            ContinuationTimeout = TimeSpan.FromSeconds(30),
            ClientProvidedName = options.ClientName ?? $"ngsiflow {role} {Environment.ProcessId}",
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            return await factory.CreateConnectionAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RabbitMqUnreachableException($"RabbitMQ at {options.SafeUri} is unreachable: no connection within {options.ConnectTimeout.TotalSeconds:0.#} s.", e);
        }
        catch (BrokerUnreachableException e)
        {
            throw new RabbitMqUnreachableException($"RabbitMQ at {options.SafeUri} is unreachable: {Cause(e)}", e);
        }
        catch (Exception e) when (e is AuthenticationFailureException or PossibleAuthenticationFailureException or OperationInterruptedException or System.Net.Sockets.SocketException or IOException)
        {
            throw new RabbitMqUnreachableException($"RabbitMQ at {options.SafeUri} refused the connection: {Cause(e)}", e);
        }
    }

    private static string Cause(Exception e)
    {
        // The client wraps the interesting part (refused, no such host, bad credentials, vhost missing) a few levels deep.
        var parts = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (!string.IsNullOrWhiteSpace(current.Message) && !parts.Contains(current.Message))
            {
                parts.Add(current.Message);
            }
        }

        Debug.Assert(parts.Count > 0, "an exception has a message");
        return string.Join(" <- ", parts);
    }
}
