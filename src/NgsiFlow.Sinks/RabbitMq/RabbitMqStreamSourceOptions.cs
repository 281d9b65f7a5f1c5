namespace NgsiFlow.Sinks.RabbitMq;

/// <summary>Options of a <see cref="RabbitMqStreamSource{T}"/>.</summary>
public sealed class RabbitMqStreamSourceOptions : RabbitMqSourceOptions
{
    /// <summary>Declare the stream (a durable queue of type <c>stream</c>) before consuming. Default false.</summary>
    public bool DeclareStream { get; set; }

    /// <summary>
    /// The offset to start from: a number (for example a previous run's <c>Checkpoint + 1</c>), or <c>first</c>,
    /// <c>last</c> or <c>next</c>. Default <c>first</c>: replay the whole stream.
    /// </summary>
    public string StartOffset { get; set; } = "first";

    /// <inheritdoc />
    protected override void Validate(ICollection<string> errors)
    {
        base.Validate(errors);
        if (StartOffset is not ("first" or "last" or "next") && !(long.TryParse(StartOffset, out var offset) && offset >= 0))
        {
            errors.Add($"StartOffset must be first, last, next or a non-negative offset (was '{StartOffset}').");
        }
    }

    internal object OffsetArgument => long.TryParse(StartOffset, out var offset) ? offset : StartOffset;
}
