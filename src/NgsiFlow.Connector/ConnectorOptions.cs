using Microsoft.Extensions.Logging;

namespace NgsiFlow.Connector;

/// <summary>Settings of an <see cref="NgsiConnector"/>.</summary>
public sealed class ConnectorOptions
{
    /// <summary>The notification receiver's settings (port, public URL, limits, security, TLS).</summary>
    public ReceiverOptions Receiver { get; set; } = new();

    /// <summary>The MQTT notification source, for subscriptions whose <see cref="SubscriptionRequest.Transport"/> is
    /// <see cref="NotificationTransport.Mqtt"/>; none (HTTP only) by default. When set, every job is also routed on it.</summary>
    public MqttReceiverOptions? Mqtt { get; set; }

    /// <summary>Renew a managed subscription this long before it expires at the latest (and at most a quarter of its
    /// lifetime ahead). Default 5 minutes.</summary>
    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Delete managed subscriptions at a graceful stop. Default true.</summary>
    public bool DeleteSubscriptionsOnStop { get; set; } = true;

    /// <summary>Clock for subscription expiry and renewal (the receiver uses its own, in <see cref="Receiver"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Loggers; none by default. Also given to the receiver when its own is not set.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks every setting; throws one <see cref="ArgumentException"/> listing each bad value.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (Receiver is null)
        {
            errors.Add("ConnectorOptions.Receiver must be set.");
        }
        else
        {
            try
            {
                Receiver.Validate();
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }

        if (Mqtt is not null)
        {
            try
            {
                Mqtt.Validate();
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }

        if (RenewBefore <= TimeSpan.Zero)
        {
            errors.Add($"ConnectorOptions.RenewBefore must be positive (was {RenewBefore}).");
        }

        if (TimeProvider is null)
        {
            errors.Add("ConnectorOptions.TimeProvider must be set.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }
}
