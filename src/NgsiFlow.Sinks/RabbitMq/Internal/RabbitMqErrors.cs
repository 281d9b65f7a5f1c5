using System.Net.Sockets;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace NgsiFlow.Sinks.RabbitMq.Internal;

/// <summary>Tells RabbitMQ failures worth retrying (connection lost, broker restarting) from refusals.</summary>
internal static class RabbitMqErrors
{
    // AMQP reply codes that retrying cannot fix: NOT_FOUND, ACCESS_REFUSED, PRECONDITION_FAILED, NOT_ALLOWED, RESOURCE_LOCKED.
    private static readonly HashSet<ushort> PermanentCodes = [404, 403, 406, 530, 405];

    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RabbitMqUnroutableException or AuthenticationFailureException or ProtocolVersionMismatchException:
                    return false;
                case PublishException publish:
                    return !publish.IsReturn;
                case OperationInterruptedException { ShutdownReason: { } reason } when PermanentCodes.Contains(reason.ReplyCode):
                    return false;
            }
        }

        return exception is BrokerUnreachableException or OperationInterruptedException
            or ConnectFailureException or IOException or SocketException or TimeoutException or PublishException;
    }

    public static string Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RabbitMqUnroutableException:
                    return e.Message;
                case AuthenticationFailureException:
                    return $"authentication failed: {e.Message}";
                case OperationInterruptedException { ShutdownReason: { } reason }:
                    return Reason(reason);
                case PublishException { IsReturn: false }:
                    return "the broker refused (nacked) a message";
            }
        }

        return exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message;
    }

    private static string Reason(ShutdownEventArgs reason) => $"{reason.ReplyCode} {reason.ReplyText}";
}
