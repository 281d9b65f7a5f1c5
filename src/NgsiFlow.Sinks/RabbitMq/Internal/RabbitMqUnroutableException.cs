namespace NgsiFlow.Sinks.RabbitMq.Internal;

/// <summary>The broker returned mandatory messages that no queue would receive.</summary>
internal sealed class RabbitMqUnroutableException : Exception
{
    public RabbitMqUnroutableException()
    {
    }

    public RabbitMqUnroutableException(string message)
        : base(message)
    {
    }

    public RabbitMqUnroutableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
