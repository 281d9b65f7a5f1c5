using System.Diagnostics;
using NgsiFlow.Connector;

namespace NgsiFlow.Cluster.Internal;

/// <summary>
/// The receiver's target on a node: hands each event to its key's grain and completes once every grain stored the
/// event's effect, so the receiver answers 2xx only for what the cluster committed. A failed grain call (a node lost,
/// the store unreachable, an activation replaced) is retried until <see cref="ClusterNodeOptions.CommitTimeout"/>;
/// then the notification gets a 503. Events already committed when a later one of the same notification fails are
/// not lost and not applied twice: the retried notification finds them by their idempotency key.
/// </summary>
internal sealed class ClusterNotificationTarget(IGrainFactory grains, ClusterJob job, ClusterRuntime runtime) : INotificationTarget
{
    public async ValueTask AcceptAsync(NotificationBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        runtime.Counters.Received(batch.Events.Count);
        var started = Stopwatch.GetTimestamp();
        if (batch.Events.Count == 1)
        {
            await CommitAsync(batch.Events[0], started).ConfigureAwait(false);
            return;
        }

        // Keys in parallel, each key's events in notification order.
        var byKey = batch.Events.GroupBy(job.Key, StringComparer.Ordinal);
        await Task.WhenAll(byKey.Select(async events =>
        {
            foreach (var e in events)
            {
                await CommitAsync(e, started).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
    }

    private async Task CommitAsync(NgsiEvent e, long started)
    {
        var key = job.Key(e);
        var grain = grains.GetGrain<IKeyGrain>(ClusterRuntime.GrainKey(job.Name, key));
        var envelope = EventEnvelope.From(e, job.IdempotencyKey(e));
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                await grain.ApplyAsync(envelope).ConfigureAwait(false);
                runtime.Counters.Committed();
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var left = runtime.Options.CommitTimeout - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    runtime.Counters.Unavailable();
                    ClusterLog.CommitTimedOut(runtime.Logger, job.Name, key, runtime.Options.CommitTimeout.TotalMilliseconds, ex.Message);
                    throw new TargetClosedException(
                        $"the cluster did not commit the event of key '{key}' of job '{job.Name}' within {runtime.Options.CommitTimeout.TotalSeconds:0.#} s ({ex.GetType().Name}: {ex.Message})", ex);
                }

                runtime.Counters.CommitRetry();
                ClusterLog.CommitRetry(runtime.Logger, job.Name, key, ex.Message);
                await Task.Delay(delay < left ? delay : left).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
            }
        }
    }
}
