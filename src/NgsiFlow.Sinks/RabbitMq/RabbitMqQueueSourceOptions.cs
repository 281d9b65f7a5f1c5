namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>Options of a <see cref="RabbitMqQueueSource{T}"/>.</summary>
public sealed class RabbitMqQueueSourceOptions : RabbitMqSourceOptions
{
    /// <summary>
    /// Declare the queue (durable) before consuming, with <see cref="DeadLetterExchange"/> as its dead-letter
    /// exchange. Default false: the queue must exist.
    /// </summary>
    public bool DeclareQueue { get; set; }

    /// <summary>
    /// The dead-letter exchange rejected messages go to. With <see cref="DeclareQueue"/> the exchange (fanout,
    /// durable) is declared and set on the queue; otherwise it documents what the existing queue uses.
    /// </summary>
    public string? DeadLetterExchange { get; set; }

    /// <summary>A queue to declare and bind to <see cref="DeadLetterExchange"/>, so rejected messages are kept.</summary>
    public string? DeadLetterQueue { get; set; }

    /// <inheritdoc />
    protected override void Validate(ICollection<string> errors)
    {
        base.Validate(errors);
        if (DeadLetterExchange is { Length: 0 })
        {
            errors.Add("DeadLetterExchange must not be empty; leave it null for none.");
        }

        if (DeadLetterQueue is not null && DeadLetterExchange is null)
        {
            errors.Add("DeadLetterQueue needs a DeadLetterExchange to bind to.");
        }

        if (DeadLetterQueue is not null && !DeclareQueue)
        {
            errors.Add("DeadLetterQueue is declared only with DeclareQueue = true.");
        }
    }
}
