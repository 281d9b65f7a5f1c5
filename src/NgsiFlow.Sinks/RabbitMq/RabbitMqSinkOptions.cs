namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>Where and how a <see cref="RabbitMqSink{T}"/> publishes.</summary>
public sealed class RabbitMqSinkOptions : SinkOptions
{
    /// <summary>The broker, for example <c>amqp://guest:guest@127.0.0.1:5672/</c>. Required.</summary>
    public Uri? Uri { get; set; }

    /// <summary>The exchange for messages that name none; the empty string is the default exchange. Default empty.</summary>
    public string Exchange { get; set; } = string.Empty;

    /// <summary>The routing key for messages that name none (with the default exchange: the queue's name).</summary>
    public string? RoutingKey { get; set; }

    /// <summary>
    /// Publish with the <c>mandatory</c> flag, so that a message no queue receives is returned and the write fails
    /// with a clear error instead of being dropped silently. Default true.
    /// </summary>
    public bool Mandatory { get; set; } = true;

    /// <summary>Persistent messages (delivery mode 2) survive a broker restart in durable queues. Default true.</summary>
    public bool Persistent { get; set; } = true;

    /// <summary>The content type of messages that name none. Default <c>application/json</c>.</summary>
    public string? ContentType { get; set; } = "application/json";

    /// <summary>Publishes awaiting their confirmation at once, at most (a window sliding over the batch). Default 1,024.</summary>
    public int MaxOutstandingConfirms { get; set; } = 1024;

    /// <summary>The connection name shown in the management UI. Default <c>ngsiflow-sink-NAME</c>.</summary>
    public string? ClientProvidedName { get; set; }

    /// <inheritdoc />
    protected override void Validate(ICollection<string> errors)
    {
        base.Validate(errors);
        if (Uri is null)
        {
            errors.Add("Uri is required (for example amqp://guest:guest@127.0.0.1:5672/).");
        }
        else if (!Uri.IsAbsoluteUri || (Uri.Scheme != "amqp" && Uri.Scheme != "amqps"))
        {
            errors.Add($"Uri must be an absolute amqp or amqps address (was '{Uri}').");
        }

        if (Exchange is null)
        {
            errors.Add("Exchange must not be null; use the empty string for the default exchange.");
        }

        if (RoutingKey is { Length: > 255 })
        {
            errors.Add($"RoutingKey must be at most 255 characters (was {RoutingKey.Length}).");
        }

        if (MaxOutstandingConfirms < 1)
        {
            errors.Add($"MaxOutstandingConfirms must be at least 1 (was {MaxOutstandingConfirms}).");
        }
    }
}
