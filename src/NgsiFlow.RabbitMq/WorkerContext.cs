using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Connector;

namespace NgsiFlow.RabbitMq;

/// <summary>What a job definition may use where it runs: the broker to write results back to, and logging.</summary>
public sealed class WorkerContext
{
    private readonly NgsiReplier? _replier;

    /// <summary>Creates a context.</summary>
    /// <param name="replier">Writes results back to the context broker; null when the job writes nothing back.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    public WorkerContext(NgsiReplier? replier, ILoggerFactory? loggerFactory = null)
    {
        _replier = replier;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>The replier (write-back to the context broker).</summary>
    /// <exception cref="InvalidOperationException">No broker was given to the worker (<c>--broker</c>).</exception>
    public NgsiReplier Replier => _replier ?? throw new InvalidOperationException("This job writes results back but the worker has no context broker; pass --broker URL (or a replier to WorkerContext).");

    /// <summary>Whether a replier is available.</summary>
    public bool HasReplier => _replier is not null;

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Waits until the replier's queued write-backs are sent (a no-op without a replier).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when flushed.</returns>
    public Task FlushAsync(CancellationToken cancellationToken) => _replier?.FlushAsync(cancellationToken) ?? Task.CompletedTask;
}
