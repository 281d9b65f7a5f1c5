using Microsoft.Extensions.Logging;

namespace NgsiFlow.RabbitMq;

/// <summary>Where RabbitMQ is and how NgsiFlow lays out and uses its topology; validated at start.</summary>
public sealed class RabbitMqOptions
{
    /// <summary>The AMQP URI, for example <c>amqp://user:password@rabbit:5672/vhost</c>. Required.</summary>
    public Uri? Uri { get; set; }

    /// <summary>How many partition queues a job's exchange spreads entities over. Every receiver and worker of a job
    /// must use the same number. Default 8.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>How many unacknowledged messages a worker holds per partition it owns. Default 512.</summary>
    public ushort Prefetch { get; set; } = 512;

    /// <summary>The prefix of exchange and queue names (<c>{prefix}.{job}</c>, <c>{prefix}.{job}.p00</c>...). Default "ngsiflow".</summary>
    public string Prefix { get; set; } = "ngsiflow";

    /// <summary>How many channels a receiver publishes on concurrently. Default 16.</summary>
    public int PublishChannels { get; set; } = 16;

    /// <summary>How often a worker checkpoints each partition it owns (snapshot stored, then messages acknowledged).
    /// Shorter means fewer redeliveries after a failover, longer means fewer pauses. Default 500 ms.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Past this many processed but unacknowledged messages in a partition, a checkpoint is taken at once.
    /// Must stay below <see cref="Prefetch"/> so that a partition never stalls waiting for one. Default 256.</summary>
    public int CheckpointEvery { get; set; } = 256;

    /// <summary>How long connecting may take before NgsiFlow reports RabbitMQ unreachable. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The connection name shown by the management tools. Default the process name and id.</summary>
    public string? ClientName { get; set; }

    /// <summary>Where connections, checkpoints and failovers are logged. Optional.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks every value; throws one clear error for the first bad one.</summary>
    /// <exception cref="ArgumentException">A value is missing or out of range.</exception>
    public void Validate()
    {
        if (Uri is null)
        {
            throw new ArgumentException("RabbitMqOptions.Uri is required (for example amqp://guest:guest@localhost:5672/).", nameof(Uri));
        }

        if (Uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new ArgumentException($"RabbitMqOptions.Uri must be an amqp:// or amqps:// URI, not '{Uri.Scheme}://'.", nameof(Uri));
        }

        if (Partitions is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(Partitions), Partitions, "RabbitMqOptions.Partitions must be between 1 and 1024.");
        }

        if (Prefetch < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Prefetch), Prefetch, "RabbitMqOptions.Prefetch must be at least 2.");
        }

        if (string.IsNullOrWhiteSpace(Prefix) || Prefix.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            throw new ArgumentException("RabbitMqOptions.Prefix must be a non-empty name without spaces or '/'.", nameof(Prefix));
        }

        if (PublishChannels is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(PublishChannels), PublishChannels, "RabbitMqOptions.PublishChannels must be between 1 and 256.");
        }

        if (CheckpointInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointInterval), CheckpointInterval, "RabbitMqOptions.CheckpointInterval must be positive.");
        }

        if (CheckpointEvery < 1 || CheckpointEvery >= Prefetch)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, $"RabbitMqOptions.CheckpointEvery must be between 1 and Prefetch - 1 ({Prefetch - 1}).");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "RabbitMqOptions.ConnectTimeout must be positive.");
        }
    }

    /// <summary>The URI without its password, for messages and logs.</summary>
    internal string SafeUri => Uri is null ? "(none)" : new UriBuilder(Uri) { Password = string.IsNullOrEmpty(Uri.UserInfo) ? string.Empty : "***" }.Uri.ToString();
}
