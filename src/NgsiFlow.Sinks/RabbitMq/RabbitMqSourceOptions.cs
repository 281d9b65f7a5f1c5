namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>Options shared by the RabbitMQ queue and stream sources.</summary>
public abstract class RabbitMqSourceOptions
{
    /// <summary>The broker, for example <c>amqp://guest:guest@127.0.0.1:5672/</c>. Required.</summary>
    public Uri? Uri { get; set; }

    /// <summary>The queue (or stream) to consume. Required.</summary>
    public string Queue { get; set; } = string.Empty;

    /// <summary>Messages delivered but not yet acknowledged, at most (<c>basic.qos</c> prefetch). Default 100.</summary>
    public ushort Prefetch { get; set; } = 100;

    /// <summary>The source's name in errors, logs and metrics. Defaults to the queue name.</summary>
    public string? Name { get; set; }

    /// <summary>What to do with a message the deserializer throws on. Default <see cref="BadRecordHandling.Reject"/>.</summary>
    public BadRecordHandling OnBadRecord { get; set; } = BadRecordHandling.Reject;

    /// <summary>The connection name shown in the management UI. Default <c>ngsiflow-source-NAME</c>.</summary>
    public string? ClientProvidedName { get; set; }

    /// <summary>Adds one message per invalid value to <paramref name="errors"/>.</summary>
    /// <param name="errors">Collects the problems found.</param>
    protected virtual void Validate(ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Uri is null)
        {
            errors.Add("Uri is required (for example amqp://guest:guest@127.0.0.1:5672/).");
        }
        else if (!Uri.IsAbsoluteUri || (Uri.Scheme != "amqp" && Uri.Scheme != "amqps"))
        {
            errors.Add($"Uri must be an absolute amqp or amqps address (was '{Uri}').");
        }

        if (string.IsNullOrWhiteSpace(Queue))
        {
            errors.Add("Queue is required.");
        }

        if (Prefetch == 0)
        {
            errors.Add("Prefetch must be at least 1: without a limit the broker would push the whole queue into memory.");
        }

        if (!Enum.IsDefined(OnBadRecord))
        {
            errors.Add($"OnBadRecord '{OnBadRecord}' is not one of Stop, Reject.");
        }
    }

    internal void ValidateOrThrow(string kind)
    {
        var errors = new List<string>();
        Validate(errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid RabbitMQ {kind} source options{(string.IsNullOrWhiteSpace(Queue) ? string.Empty : $" for '{Queue}'")}: {string.Join(" ", errors)}");
        }
    }
}
